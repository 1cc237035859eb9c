"""A mean teacher: an exponential moving average of a stock segmentor."""
import copy
from typing import Optional

import torch
import torch.nn as nn
from mmengine.logging import MessageHub
from mmseg.models.segmentors import BaseSegmentor
from mmseg.registry import MODELS
from torch import Tensor
from torch.nn.modules.dropout import _DropoutNd


def _is_dropout(module: nn.Module) -> bool:
    """Dropout and stochastic-depth layers (mmcv's, timm's ``DropPath``)."""
    if isinstance(module, _DropoutNd):
        return True
    return type(module).__name__ in ('DropPath', 'DropBlock')


@MODELS.register_module()
class EMATeacher(nn.Module):
    """Mean teacher of a segmentor (Tarvainen & Valpola; DACS, DAFormer).

    Holds a copy of the student segmentor whose parameters follow
    ``phi <- a_t * phi + (1 - a_t) * theta`` with
    ``a_t = min(1 - 1 / (t + 1), alpha)`` after every optimizer step of
    the student, ``t`` being the runner's iteration read from MMEngine's
    ``MessageHub`` (``get_info('iter')``, 0 at the first step): the first
    update copies the student, and the ramp lets the teacher forget its
    start quickly. The model keeps no counter of its own, so a resumed run
    continues exactly.

    The copy is a child of the UDA model: its weights are in the model's
    ``state_dict`` (``teacher.model.*``), hence in every checkpoint and
    restored by ``--resume``. Its parameters never require gradients, so
    ``MultiOptimWrapperConstructor`` needs no optimizer entry for it and
    ``MMSeparateDistributedDataParallel`` does not wrap it; under DDP every
    rank updates it from the synchronised student and all ranks hold the
    same teacher parameters (BatchNorm statistics that a training-mode
    teacher collects are per rank, as the student's are).

    Forward runs without autograd. Dropout and drop-path layers are always
    in eval mode; normalisation layers follow the mode of the UDA model as
    in DAFormer's code (BatchNorm of a teacher in training uses the target
    batch's statistics; frozen or ``norm_eval`` layers stay frozen) unless
    ``eval_mode=True``.

    Args:
        student (BaseSegmentor): The stock segmentor to follow; it is
            deep-copied, not registered as a child.
        alpha (float): Upper bound of the EMA factor. Default: 0.99 (DACS;
            DAFormer uses 0.999).
        eval_mode (bool): Run the whole teacher in eval mode (BatchNorm on
            running statistics); its floating-point buffers are then
            averaged like the parameters. Default: False (DAFormer).
    """

    def __init__(self,
                 student: BaseSegmentor,
                 alpha: float = 0.99,
                 eval_mode: bool = False) -> None:
        super().__init__()
        if not 0. <= alpha <= 1.:
            raise ValueError(f'alpha must be in [0, 1], got {alpha}.')
        self.alpha = alpha
        self.eval_mode = eval_mode
        self.model = copy.deepcopy(student)
        for param in self.model.parameters():
            param.requires_grad_(False)

    def init_weights(self) -> None:
        """Nothing: the owner copies the initialised student in
        (:meth:`copy_from`), so pretrained files are not read twice."""

    def train(self, mode: bool = True) -> 'EMATeacher':
        super().train(False if self.eval_mode else mode)
        for module in self.model.modules():
            if _is_dropout(module):
                module.train(False)
        return self

    def alpha_at(self, iteration: int) -> float:
        """The EMA factor ``min(1 - 1 / (t + 1), alpha)`` at iteration t."""
        if iteration < 0:
            raise ValueError(f'iteration must be >= 0, got {iteration}.')
        return min(1. - 1. / (iteration + 1), self.alpha)

    @torch.no_grad()
    def copy_from(self, student: BaseSegmentor) -> None:
        """Set the teacher's parameters and buffers to the student's."""
        self._average(student, 0., buffers=True)

    @torch.no_grad()
    def update(self,
               student: BaseSegmentor,
               iteration: Optional[int] = None) -> float:
        """One EMA step towards ``student``; call it after the student's
        optimizer step.

        Args:
            student (BaseSegmentor): The student (without DDP wrapper).
            iteration (int, optional): The iteration t; default: the
                runner's, ``MessageHub.get_current_instance()
                .get_info('iter')``.

        Returns:
            float: The factor ``a_t`` used.
        """
        if iteration is None:
            iteration = MessageHub.get_current_instance().get_info('iter')
            if iteration is None:
                raise RuntimeError(
                    'EMATeacher.update reads the iteration from MessageHub, '
                    'which the runner fills; outside a runner call '
                    "MessageHub.get_current_instance().update_info('iter', "
                    't) first or pass `iteration`.')
        alpha = self.alpha_at(int(iteration))
        self._average(student, alpha, buffers=self.eval_mode)
        return alpha

    def _average(self, student: nn.Module, alpha: float,
                 buffers: bool) -> None:
        """``phi <- alpha * phi + (1 - alpha) * theta`` on every parameter
        and, with ``buffers``, on every floating-point buffer."""
        teacher_params = dict(self.model.named_parameters())
        student_params = dict(student.named_parameters())
        if teacher_params.keys() != student_params.keys():
            raise ValueError('The student does not have the architecture the '
                             'teacher was copied from.')
        for name, param in teacher_params.items():
            param.mul_(alpha).add_(
                student_params[name].detach(), alpha=1. - alpha)
        if not buffers:
            return
        student_buffers = dict(student.named_buffers())
        for name, buffer in self.model.named_buffers():
            source = student_buffers[name]
            if buffer.is_floating_point():
                buffer.mul_(alpha).add_(source, alpha=1. - alpha)
            else:  # e.g. BatchNorm's num_batches_tracked
                buffer.copy_(source)

    @torch.no_grad()
    def forward(self, inputs: Tensor) -> Tensor:
        """Logits of the whole input at its size
        (:func:`whole_image_logits` of the teacher)."""
        return whole_image_logits(self.model, inputs)


def whole_image_logits(segmentor: BaseSegmentor, inputs: Tensor) -> Tensor:
    """Logits of a segmentor for whole (padded) inputs, at their size.

    Through the segmentor's ``encode_decode``, so a segmentor that predicts
    a whole image differently from its training crops (HRDA's sliding detail
    windows) labels the whole image.
    """
    size = tuple(inputs.shape[2:])
    metas = [dict(img_shape=size, pad_shape=size, ori_shape=size)
             ] * inputs.shape[0]
    return segmentor.encode_decode(inputs, metas)
