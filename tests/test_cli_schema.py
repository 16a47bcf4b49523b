"""The config schema's discriminated sections (``[torque] kind``; the coming ``[model] kind``):
which keys apply to which kind, required only there, derived from the section alone."""
import pytest

from llgsot.cli.reading import section
from llgsot.cli.schema import REQUIRED, Key, Section, only_for
from llgsot.cli.sections import sections


def _spec(kind_default=REQUIRED):
    a = {"x": Key("x", "number", 1.0, "x of a"), "need": Key("need", "number", None, "needed")}
    b = {"y": Key("y", "integer", 2, "y of b")}
    keys = {"kind": Key("kind", "string", kind_default, "which", ("a", "b")),
            **only_for("a", a, required=("need",)), **only_for("b", b)}
    return Section("demo", "test", "A discriminated section.", keys, discriminator="kind")


def test_keys_apply_to_their_kind_only():
    spec = _spec()
    assert spec.keys_for("a") == {"kind", "x", "need"} and spec.keys_for("b") == {"kind", "y"}
    assert spec.keys["need"].required and spec.keys["x"].help == 'kind = "a": x of a'
    got = section({"demo": {"kind": "a", "need": 3.0}}, "demo", spec, defaults=True)
    assert got == {"kind": "a", "x": 1.0, "need": 3.0}
    assert section({"demo": {"kind": "b"}}, "demo", spec, defaults=True) == {"kind": "b", "y": 2}


@pytest.mark.parametrize("given, match", [
    ({"kind": "b", "x": 1.0}, r"config: demo.x does not apply to demo.kind = 'b'"),
    ({"kind": "a"}, r"config: missing key demo.need \(needed by kind = 'a'\)"),
    ({"need": 1.0}, r"config: missing key demo.kind"),
    ({"kind": "c"}, r"config: demo.kind must be one of 'a', 'b', got 'c'"),
])
def test_wrong_keys_for_the_kind_are_one_line_errors(given, match):
    with pytest.raises(ValueError, match=match):
        section({"demo": given}, "demo", _spec())


def test_a_discriminator_with_a_default_selects_its_keys():
    spec = _spec(kind_default="b")
    assert section({"demo": {"y": 5}}, "demo", spec) == {"y": 5}
    with pytest.raises(ValueError, match=r"demo.need does not apply to demo.kind = 'b'"):
        section({"demo": {"need": 1.0}}, "demo", spec)


def test_the_torque_section_derives_its_key_sets():
    """torque_from's table and constant key sets come from here (no hand-written sets)."""
    tq = sections()["torque"]
    assert tq.discriminator == "kind"
    assert tq.keys_for("constant") - {"kind"} == {"spin_hall_angle", "field_like_ratio",
                                                  "polarization"}
    assert {"table", "fermi_energy", "nm_thickness", "representation"} <= tq.keys_for("table")
    assert not tq.keys_for("table") & tq.keys_for("constant") - {"kind"}
    with pytest.raises(ValueError, match=r"torque.spin_hall_angle does not apply to "
                                         r"torque.kind = 'table'"):
        section({"torque": {"kind": "table", "nm_thickness": 5e-9, "spin_hall_angle": 0.1}},
                "torque")
