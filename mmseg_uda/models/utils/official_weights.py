"""Convert the weights the papers' authors publish to mmseg_uda's layout.

Four kinds of files carry the official key names:

- ``deeplab_init``: the DeepLabV2 ResNet-101 (ImageNet, then MS-COCO) that
  AdaptSegNet's and BDL's code start from
  (``DeepLab_resnet_pretrained_init-f81d91e8.pth``, keys ``Scale.*``);
- ``adaptsegnet``: AdaptSegNet's released multi-level ``DeeplabMulti``
  models (``layer5``: classifier on conv4, ``layer6``: on conv5), and the
  discriminators ``conv1..conv4, classifier`` of its training code;
- ``bdl``: BDL's released DeepLab models (one classifier ``layer5`` on
  conv5) and its ``*_D.pth`` discriminators;
- ``fada``: FADA's checkpoints, a dict with ``feature_extractor``
  (``backbone.*`` of torchvision's ResNet-101), ``classifier``
  (``conv2d_list.*``) and, from its adversarial stage, ``model_D``
  (``D.0``, ``D.2``, ``cls1``, ``cls2``).

The ResNet key names of all of them are those of mmseg's ``ResNet``; only
the heads and the discriminators are renamed. A conversion returns the
converted state dict and a :class:`ConversionReport` of what was renamed
and dropped.
"""
import os.path as osp
import re
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Optional, Tuple

import torch
from torch import Tensor

from .segmentor_checkpoint import UDA_SEGMENTOR_PREFIX

StateDict = Dict[str, Tensor]

#: Converter script of each kind of official file.
CONVERTERS = {
    'deeplab_init': 'tools/model_converters/deeplab_init2mmseg.py',
    'adaptsegnet': 'tools/model_converters/adaptsegnet2mmseg.py',
    'bdl': 'tools/model_converters/bdl2mmseg.py',
    'fada': 'tools/model_converters/fada2mmseg.py',
}
#: Human-readable name of each kind.
DESCRIPTIONS = {
    'deeplab_init': 'the DeepLabV2 initial model of AdaptSegNet / BDL',
    'adaptsegnet': "AdaptSegNet's released DeeplabMulti model",
    'bdl': "BDL's released DeepLab model",
    'fada': "FADA's released checkpoint",
    'fc_discriminator': 'an AdaptSegNet / BDL discriminator',
}
_STRIPPED_PREFIXES = ('module.', 'Scale.')
_RESNET_KEY = re.compile(r'^(conv1\.|bn1\.|layer[1-4]\.)')
_FC_LAYERS = ('conv1', 'conv2', 'conv3', 'conv4', 'classifier')


class OfficialWeightsError(ValueError):
    """A file is not the kind of official file a converter expects."""


@dataclass
class ConversionReport:
    """What a conversion did, for the converters to print."""
    kind: str
    renamed: Dict[str, int] = field(default_factory=dict)
    dropped: List[str] = field(default_factory=list)

    def add(self, group: str, count: int = 1) -> None:
        self.renamed[group] = self.renamed.get(group, 0) + count

    def lines(self) -> List[str]:
        total = sum(self.renamed.values())
        out = [f'converted {total} tensors of {DESCRIPTIONS[self.kind]}:']
        out += [f'  {group}: {n}' for group, n in self.renamed.items()]
        if self.dropped:
            out.append(f'  dropped {len(self.dropped)}: ' +
                       ', '.join(_abbreviate(self.dropped)))
        return out


def _abbreviate(names: List[str], limit: int = 4) -> List[str]:
    shown = list(names[:limit])
    if len(names) > limit:
        shown.append(f'... (+{len(names) - limit} more)')
    return shown


def load_official_file(path: str) -> dict:
    """Read an official ``.pth`` file (tensors only, no code is run)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'No such file: {path}')
    try:
        data = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as error:  # pickles of anything but tensors
        raise OfficialWeightsError(
            f'{path} is not a PyTorch weights file that can be read safely '
            f'({type(error).__name__}: {error}).') from error
    if not isinstance(data, Mapping):
        raise OfficialWeightsError(
            f'{path} holds a {type(data).__name__}, not a state dict.')
    return dict(data)


def strip_prefixes(state_dict: Mapping[str, Tensor]) -> StateDict:
    """Remove the ``module.`` (DDP) and ``Scale.`` (DeepLab) prefixes."""
    out = {}
    for key, value in state_dict.items():
        changed = True
        while changed:
            changed = False
            for prefix in _STRIPPED_PREFIXES:
                if key.startswith(prefix):
                    key, changed = key[len(prefix):], True
        out[key] = value
    return out


def _tensors(data: Mapping) -> StateDict:
    return {k: v for k, v in data.items() if isinstance(v, Tensor)}


def detect_kind(data: Mapping) -> Optional[str]:
    """Which kind of official file ``data`` is, or None.

    Args:
        data (Mapping): The loaded file (a state dict, or FADA's dict).

    Returns:
        str, optional: A key of :data:`CONVERTERS`, or
        ``'fc_discriminator'``, or None for anything else (for example a
        file already in mmseg's layout).
    """
    if 'feature_extractor' in data and 'classifier' in data:
        return 'fada'
    if any(str(k).startswith(UDA_SEGMENTOR_PREFIX) for k in data) or any(
            str(k).startswith(('backbone.', 'decode_head.')) for k in data):
        return None
    raw = _tensors(data)
    keys = strip_prefixes(raw)
    if {f'{n}.weight' for n in _FC_LAYERS} <= set(keys):
        return 'fc_discriminator'
    if not any(_RESNET_KEY.match(k) for k in keys):
        return None
    if any(k.startswith('layer6.') for k in keys):
        return 'adaptsegnet'
    if any(k.startswith('Scale.') for k in raw):
        return 'deeplab_init'
    if any(k.startswith('layer5.conv2d_list.') for k in keys):
        return 'bdl'
    return None


def converter_hint(data: Mapping) -> str:
    """A sentence naming the converter for ``data``, or ''."""
    kind = detect_kind(data)
    if kind is None:
        return ''
    if kind == 'fc_discriminator':
        return (f'It looks like {DESCRIPTIONS[kind]}: pass it to '
                f'{CONVERTERS["adaptsegnet"]} or {CONVERTERS["bdl"]} '
                'with --discriminator.')
    return (f'It looks like {DESCRIPTIONS[kind]} with the official key '
            f'names: convert it first with `python {CONVERTERS[kind]} '
            'SRC DST`.')


def _expect(data: Mapping, kind: str, path: str) -> None:
    found = detect_kind(data)
    if found == kind or (kind == 'deeplab_init' and found == 'bdl'):
        return
    what = DESCRIPTIONS.get(found, 'none of the official files')
    hint = (f' Use {CONVERTERS[found]}.' if found in CONVERTERS else '')
    raise OfficialWeightsError(
        f'{path} is not {DESCRIPTIONS[kind]}: its keys look like {what}.'
        f'{hint}')


def _split_resnet(state_dict: StateDict,
                  report: ConversionReport) -> Tuple[StateDict, StateDict]:
    """ResNet tensors (names kept) and the rest."""
    backbone, rest = {}, {}
    for key, value in state_dict.items():
        (backbone if _RESNET_KEY.match(key) else rest)[key] = value
    report.add('backbone (ResNet, names kept)', len(backbone))
    return backbone, rest


def _classifier(rest: StateDict, src: str, dst: str,
                report: ConversionReport) -> StateDict:
    """``<src>.conv2d_list.i.*`` -> ``<dst>.aspp_branches.i.*``."""
    out = {}
    pattern = re.compile(rf'^{re.escape(src)}\.conv2d_list\.(\d+)\.(\w+)$')
    for key in sorted(rest):
        match = pattern.match(key)
        if match:
            out[f'{dst}.aspp_branches.{match[1]}.{match[2]}'] = rest.pop(key)
    if not out:
        raise OfficialWeightsError(f'no {src}.conv2d_list.* classifier.')
    report.add(f'{src} -> {dst}', len(out))
    return out


def convert_fc_discriminator(data: Mapping,
                             path: str = '<discriminator>') -> StateDict:
    """AdaptSegNet's / BDL's ``FCDiscriminator`` -> ours (``layers.*``).

    Their ``conv1..conv4`` and ``classifier`` are the 1st, 3rd, 5th, 7th
    and 9th module of :class:`FCDiscriminator`'s ``layers``.
    """
    if detect_kind(data) != 'fc_discriminator':
        raise OfficialWeightsError(
            f'{path} is not an AdaptSegNet / BDL discriminator (keys '
            'conv1..conv4, classifier).')
    state_dict = strip_prefixes(_tensors(data))
    out = {}
    for index, name in enumerate(_FC_LAYERS):
        for param in ('weight', 'bias'):
            out[f'layers.{2 * index}.{param}'] = state_dict[f'{name}.{param}']
    return out


def _with_prefix(state_dict: StateDict, prefix: str) -> StateDict:
    return {prefix + k: v for k, v in state_dict.items()}


def _uda_layout(segmentor: StateDict,
                discriminators: Dict[str, StateDict]) -> StateDict:
    out = _with_prefix(segmentor, UDA_SEGMENTOR_PREFIX)
    for prefix, state_dict in discriminators.items():
        out.update(_with_prefix(state_dict, prefix))
    return out


def convert_deeplab_init(
        data: Mapping,
        path: str = '<deeplab init>') -> Tuple[StateDict, ConversionReport]:
    """DeepLabV2 initial model -> mmseg ``ResNet`` weights (backbone only).

    The file's ``layer5`` (its MS-COCO classifier) is dropped, as the
    official code drops it for 19 classes.
    """
    _expect(data, 'deeplab_init', path)
    report = ConversionReport('deeplab_init')
    backbone, rest = _split_resnet(strip_prefixes(_tensors(data)), report)
    report.dropped = sorted(rest)
    return backbone, report


def convert_adaptsegnet(
    data: Mapping,
    path: str = '<adaptsegnet>',
    discriminator: Optional[Mapping] = None,
    aux_discriminator: Optional[Mapping] = None
) -> Tuple[StateDict, ConversionReport]:
    """AdaptSegNet's ``DeeplabMulti`` (+ discriminators) -> mmseg_uda.

    ``layer6`` (classifier on conv5) becomes ``decode_head``, ``layer5``
    (on conv4) ``auxiliary_head``. Without discriminators the result is a
    plain segmentor state dict; with them it is an ``AdaptSegNet`` state
    dict (``segmentor.model.*`` and ``discriminator.levels.*``).

    Args:
        data (Mapping): The released model.
        path (str): Its name, for messages.
        discriminator (Mapping, optional): ``model_D2`` of the training
            code (on the conv5 output).
        aux_discriminator (Mapping, optional): ``model_D1`` (on conv4).
    """
    _expect(data, 'adaptsegnet', path)
    report = ConversionReport('adaptsegnet')
    backbone, rest = _split_resnet(strip_prefixes(_tensors(data)), report)
    segmentor = _with_prefix(backbone, 'backbone.')
    segmentor.update(_classifier(rest, 'layer6', 'decode_head', report))
    segmentor.update(_classifier(rest, 'layer5', 'auxiliary_head', report))
    report.dropped = sorted(rest)
    discriminators = {}
    for level, disc in (('decode_head', discriminator), ('auxiliary_head',
                                                         aux_discriminator)):
        if disc is not None:
            discriminators[f'discriminator.levels.{level}.'] = (
                convert_fc_discriminator(disc, f'{level} discriminator'))
            report.add(f'discriminator -> discriminator.levels.{level}', 10)
    if not discriminators:
        return segmentor, report
    return _uda_layout(segmentor, discriminators), report


def convert_bdl(
    data: Mapping,
    path: str = '<bdl>',
    discriminator: Optional[Mapping] = None
) -> Tuple[StateDict, ConversionReport]:
    """BDL's DeepLab model (+ its ``*_D.pth``) -> mmseg_uda.

    ``layer5`` (the classifier on conv5) becomes ``decode_head``. With the
    discriminator the result is a ``BDL`` state dict (``segmentor.model.*``
    and ``discriminator.levels.decode_head.*``).
    """
    if detect_kind(data) == 'deeplab_init':
        raise OfficialWeightsError(
            f'{path} has the Scale.* keys of the DeepLab initial model, not '
            f'a trained BDL model: use {CONVERTERS["deeplab_init"]}.')
    _expect(data, 'bdl', path)
    report = ConversionReport('bdl')
    backbone, rest = _split_resnet(strip_prefixes(_tensors(data)), report)
    segmentor = _with_prefix(backbone, 'backbone.')
    segmentor.update(_classifier(rest, 'layer5', 'decode_head', report))
    report.dropped = sorted(rest)
    if discriminator is None:
        return segmentor, report
    report.add('discriminator -> discriminator.levels.decode_head', 10)
    return _uda_layout(
        segmentor, {
            'discriminator.levels.decode_head.':
            convert_fc_discriminator(discriminator, 'discriminator')
        }), report


def _fada_discriminator(state_dict: StateDict, path: str) -> StateDict:
    """FADA's ``D``, ``cls1``, ``cls2`` -> :class:`FineGrainedDiscriminator`.

    ``cls1`` (source) and ``cls2`` (target) are stacked into the last conv,
    in this order, as FADA concatenates their outputs.
    """
    needed = ('D.0.weight', 'D.2.weight', 'cls1.weight', 'cls2.weight')
    if not all(k in state_dict for k in needed):
        raise OfficialWeightsError(
            f'{path}: model_D has no {", ".join(needed)}; not FADA\'s '
            'PixelDiscriminator.')
    out = {}
    for src, dst in (('D.0', 'layers.0'), ('D.2', 'layers.2')):
        for param in ('weight', 'bias'):
            out[f'{dst}.{param}'] = state_dict[f'{src}.{param}']
    for param in ('weight', 'bias'):
        out[f'layers.4.{param}'] = torch.cat(
            [state_dict[f'cls1.{param}'], state_dict[f'cls2.{param}']])
    return out


def convert_fada(data: Mapping,
                 path: str = '<fada>') -> Tuple[StateDict, ConversionReport]:
    """FADA's checkpoint -> mmseg_uda.

    ``feature_extractor.backbone.*`` becomes ``backbone.*`` and
    ``classifier.conv2d_list.*`` ``decode_head.aspp_branches.*``. When the
    file holds ``model_D`` (adversarial stage) the result is a ``FADA``
    state dict (``segmentor.model.*`` and ``discriminator.*``).
    """
    _expect(data, 'fada', path)
    report = ConversionReport('fada')
    features = strip_prefixes(_tensors(data['feature_extractor']))
    features = {
        k[len('backbone.'):] if k.startswith('backbone.') else k: v
        for k, v in features.items()
    }
    backbone, rest = _split_resnet(features, report)
    report.dropped = sorted(f'feature_extractor.{k}' for k in rest)
    segmentor = _with_prefix(backbone, 'backbone.')
    classifier = {
        f'classifier.{k}': v
        for k, v in strip_prefixes(_tensors(data['classifier'])).items()
    }
    segmentor.update(
        _classifier(classifier, 'classifier', 'decode_head', report))
    report.dropped += sorted(classifier)
    if 'model_D' not in data:
        return segmentor, report
    disc = _fada_discriminator(strip_prefixes(_tensors(data['model_D'])), path)
    report.add('model_D (D.0, D.2, cls1 + cls2) -> discriminator', len(disc))
    return _uda_layout(segmentor, {'discriminator.': disc}), report


def save_converted(state_dict: StateDict, dst: str, src: str,
                   kind: str) -> None:
    """Write a runner-style checkpoint (``state_dict`` + ``meta``)."""
    folder = osp.dirname(osp.abspath(dst))
    if not osp.isdir(folder):
        raise FileNotFoundError(f'Output folder does not exist: {folder}')
    meta = dict(converted_from=osp.basename(src), official_kind=kind)
    torch.save(dict(state_dict=state_dict, meta=meta), dst)


def run_conversion(src: str, dst: str,
                   convert: Callable[[], Tuple[StateDict, ConversionReport]],
                   on_error: Callable[[str], None]) -> None:
    """What every converter CLI does: convert, save to ``dst``, print the
    report; a missing or foreign file goes to ``on_error`` (e.g.
    ``ArgumentParser.error``) with its message.

    Args:
        src (str): The official file (for the report and the meta).
        dst (str): Where to write the converted checkpoint.
        convert (callable): Reads and converts, returning the state dict
            and its :class:`ConversionReport`.
        on_error (callable): Called with the message of a failure.
    """
    try:
        state_dict, report = convert()
        save_converted(state_dict, dst, src, report.kind)
        print('\n'.join(report.lines() + [f'wrote {dst}']))
    except (OfficialWeightsError, FileNotFoundError) as error:
        on_error(str(error))
