"""The models of the response solver (docs/models.md).

:class:`TwoBandModel` states what the solver needs of a model; :class:`RashbaFM`,
:class:`RashbaDresselhausFM` and :class:`DiracFM` implement it. ``MODELS`` maps each model's
``KIND`` (table files, the CLI ``[model] kind``) to its class.
"""
from .base import ATTRS_VERSION, SolverParams, TwoBandModel
from .dirac import DiracFM
from .rashba import RashbaFM
from .rashba_dresselhaus import RashbaDresselhausFM

#: kind -> model class
MODELS = {cls.KIND: cls for cls in (RashbaFM, RashbaDresselhausFM, DiracFM)}


def model_class(kind: str):
    """The model class of ``kind`` (ValueError naming the allowed kinds)."""
    if kind not in MODELS:
        raise ValueError(f"model `kind` must be one of {', '.join(map(repr, MODELS))}, got {kind!r}")
    return MODELS[kind]


def model_from_attrs(attrs: dict):
    """The model described by table/provenance attributes (files without ``model_kind``,
    written before ATTRS_VERSION 2, hold a RashbaFM)."""
    cls = model_class(str(attrs.get("model_kind", "rashba")))
    return cls(**{k: float(attrs[k]) for k in cls.UNITS if k in attrs})


__all__ = ["ATTRS_VERSION", "MODELS", "DiracFM", "RashbaDresselhausFM", "RashbaFM",
           "SolverParams", "TwoBandModel", "model_class", "model_from_attrs"]
