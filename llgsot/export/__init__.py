"""Exporters: backends of one table model (TorqueTable) to files other tools read.

One device description (:class:`Device`) and one signature for every format::

    export(table, path, format, device=None, **options) -> path

* ``csv``, ``json``: the tabulated data with units and provenance (device optional);
* ``mumax3``: an .mx3 snippet adding B_SOT(m) through AddFieldTerm, with the angular
  dependence fitted as polynomials in m_z^2 (mumax3 has no table lookup);
* ``magnumnp``: a Python snippet building a magnum.np field term evaluated from the table
  itself (no fit).

Every piece of table metadata enters an export through :func:`.metadata.inert` (data, never
code). OOMMF and Ubermag have no input for an m-dependent SOT field (their maintainers say
so in ubermag/help#247), so llgsot offers no exporter for them rather than a wrong one.
"""
from importlib import import_module

from .._lazy import lazy_names
from .device import Device

#: format name -> (module, writer); every writer is writer(table, path, device=None, **options)
#: -> path. Modules load on first use, so the command line starts fast.
FORMATS = {"csv": ("text", "write_csv"), "json": ("text", "write_json"),
           "mumax3": ("mumax3", "write_mumax3"), "magnumnp": ("magnumnp", "write_magnumnp")}
#: formats that need a device
NEEDS_DEVICE = ("mumax3", "magnumnp")
_LAZY = {"MagnumSOTField": "magnumnp", "write_magnumnp": "magnumnp", "write_mumax3": "mumax3",
         "write_csv": "text", "write_json": "text"}


def writer(format: str):
    """The writer function of ``format`` (a key of :data:`FORMATS`)."""
    if not isinstance(format, str) or format not in FORMATS:
        raise ValueError(f"`format` must be one of {', '.join(map(repr, FORMATS))}; got {format!r}")
    module, name = FORMATS[format]
    return getattr(import_module(f"{__name__}.{module}"), name)


def export(table, path, format: str, device: Device | None = None, **options) -> str:
    """Write ``table`` (a TorqueTable; a SphereTable for "mumax3") to ``path`` in ``format`` (a
    key of :data:`FORMATS`).

    Every argument is checked before any work: ``table`` a TorqueTable, ``path`` a writable
    file path, ``device`` a :class:`Device` (required by :data:`NEEDS_DEVICE`) or None.
    """
    from .._io import check_writable
    from ..tables.interpolate import TorqueTable

    write = writer(format)
    from ..tables.sphere.table import SphereTable

    if isinstance(table, SphereTable) and format != "mumax3":
        raise ValueError(f"format {format!r} does not take sphere tables yet (it writes "
                         "functions of theta alone; issue 19): save a sphere table with "
                         "llgsot.save_table and run it through llgsot.TableSOT (simulate, "
                         "llgsot.micromagnetics.MagnumSOTField) or format 'mumax3'")
    if not isinstance(table, (TorqueTable, SphereTable)):
        raise TypeError(f"`table` must be a TorqueTable (or a SphereTable for mumax3), got "
                        f"{type(table).__name__}")
    check_writable("`path`", path)
    if device is not None and not isinstance(device, Device):
        raise TypeError(f"`device` must be an llgsot Device or None, got {type(device).__name__}")
    if format in NEEDS_DEVICE and device is None:
        raise ValueError(f"`device` is needed for format {format!r} (Ms, thickness, nm_thickness, "
                         "current_density, direction)")
    return write(table, path, device, **options)


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())

__all__ = ["Device", "FORMATS", "MagnumSOTField", "export", "write_csv", "write_json",
           "write_magnumnp", "write_mumax3", "writer"]
