"""The one adversarial training step every model with several optimizers
runs (UDA segmentors, translators, LDR's reconstruction pre-training)."""
from contextlib import ExitStack
from typing import Dict, Tuple

from mmengine.optim import OptimWrapper, OptimWrapperDict
from torch import Tensor

from .requires_grad import set_requires_grad

LogVars = Dict[str, Tensor]


class AdversarialTrainStep:
    """Freeze the adversaries, step the generators, then each adversary.

    One iteration, as mmagic's ``BaseGAN.train_step`` writes it once:

    1. every adversary child is frozen (``requires_grad=False``);
    2. inside the optimizer context of every child in
       :attr:`generator_children`, :meth:`generator_losses` returns the
       losses of the generator side and the outputs the adversaries reuse;
    3. :meth:`update_generators` backwards and steps them (default: one
       update of the first generator child);
    4. per child in :attr:`adversary_children`, in order: unfreeze it,
       compute :meth:`adversary_losses` inside its optimizer context on the
       outputs of 2, update it.

    A subclass fills the hooks below; none writes the skeleton again. Each
    optimizer's total is logged under ``loss.{child}`` (:meth:`update`),
    the log contract of ``docs/en/log_contract.md``.

    Children are always called through their attribute (the DDP wrapper
    when training on several processes), so gradients are synchronised.
    """

    #: Children trained in step 2; their optimizer contexts are entered.
    generator_children: Tuple[str, ...] = ()

    @property
    def adversary_children(self) -> Tuple[str, ...]:
        """Children trained after the generators, each on its own."""
        return ()

    def generator_losses(self, batches: dict) -> Tuple[LogVars, dict]:
        """Losses of the generator side and the outputs for step 4."""
        raise NotImplementedError(
            f'{type(self).__name__} must implement generator_losses().')

    def adversary_losses(self, name: str,
                         outputs: dict) -> Tuple[LogVars, LogVars]:
        """Losses of adversary ``name`` and values logged beside them."""
        raise NotImplementedError(
            f'{type(self).__name__} must implement adversary_losses() for '
            f'its adversary `{name}`.')

    def update_generators(self, optim_wrapper: OptimWrapperDict,
                          losses: LogVars, outputs: dict) -> LogVars:
        """Backward and step the generator side (default: its first child).
        """
        name = self.generator_children[0]
        return self.update(optim_wrapper[name], losses, name)

    def update(self, optim_wrapper: OptimWrapper, losses: LogVars,
               name: str) -> LogVars:
        """Backward the summed ``loss*`` terms of ``losses`` and step.

        Returns:
            dict: The log vars, the sum under ``loss.{name}``.
        """
        loss, log_vars = self.parse_losses(losses)
        optim_wrapper.update_params(loss)
        log_vars[f'loss.{name}'] = log_vars.pop('loss')
        return log_vars

    def adversarial_train_step(self, batches: dict,
                               optim_wrapper: OptimWrapperDict) -> LogVars:
        """Run steps 1-4 on preprocessed ``batches``."""
        adversaries = self.adversary_children
        for name in adversaries:
            set_requires_grad(getattr(self, name), False)
        with ExitStack() as contexts:
            for name in self.generator_children:
                contexts.enter_context(optim_wrapper[name].optim_context(
                    getattr(self, name)))
            losses, outputs = self.generator_losses(batches)
        log_vars = self.update_generators(optim_wrapper, losses, outputs)
        for name in adversaries:
            module = getattr(self, name)
            set_requires_grad(module, True)
            with optim_wrapper[name].optim_context(module):
                adv_losses, extra = self.adversary_losses(name, outputs)
            log_vars.update(self.update(optim_wrapper[name], adv_losses, name))
            log_vars.update(extra)
        return log_vars


def check_optim_wrapper(model: object, optim_wrapper: object) -> None:
    """Raise a clear error unless ``optim_wrapper`` has one entry per child.
    """
    if not isinstance(optim_wrapper, OptimWrapperDict):
        names = list(model.generator_children) + [
            n for n in model.adversary_children
            if n not in model.generator_children
        ]
        entries = ', '.join(f'{n}=dict(...)' for n in names)
        raise TypeError(
            f'{type(model).__name__} trains several modules with their own '
            'optimizers; set optim_wrapper=dict(constructor='
            f'"MultiOptimWrapperConstructor", {entries}) in the config.')
