"""``llgsot response``: one evaluation of the solver, as a table or JSON."""
from __future__ import annotations


def register(sub):
    p = sub.add_parser("response", help="spin-density and current response K, sigma and torques",
                       description="Solve the T-matrix/Kubo response at one magnetization direction "
                                   "(docs/physics.md sections 1-3). Units: SI, energies in eV.")
    p.add_argument("--kind", default="rashba", choices=("rashba", "rashba_dresselhaus", "dirac"),
                   help="the model (docs/models.md), default rashba")
    p.add_argument("--m-eff", type=float, default=None, help="effective mass (m_e); "
                   "rashba, rashba_dresselhaus; optional for dirac")
    p.add_argument("--alpha", type=float, default=None, help="Rashba coupling (eV m)")
    p.add_argument("--beta", type=float, default=None, help="Dresselhaus coupling (eV m), "
                   "kind rashba_dresselhaus")
    p.add_argument("--velocity", type=float, default=None, help="Dirac velocity (m/s), kind dirac")
    p.add_argument("--delta-xc", type=float, required=True, help="exchange splitting (eV)")
    p.add_argument("--impurity-density", type=float, required=True, help="n (m^-2)")
    p.add_argument("--impurity-strength", type=float, required=True, help="W~ (eV nm^2)")
    p.add_argument("--cutoff", type=float, required=True, help="k_c (nm^-1)")
    p.add_argument("--fermi-energy", type=float, required=True, help="eps (eV)")
    p.add_argument("--theta", type=float, required=True, help="polar angle of m (rad)")
    p.add_argument("--phi", type=float, default=0.0, help="azimuth of m (rad), default 0")
    p.add_argument("--approximation", default="tmatrix", help="tmatrix | born")
    p.add_argument("--regime", default="dilute", help="dilute | finite")
    p.add_argument("--rtol", type=float, default=1e-8, help="quadrature tolerance (default 1e-8)")
    p.add_argument("--json", action="store_true", help="print one JSON object (strict JSON: a "
                   "non-finite number is null)")
    p.set_defaults(func=run)


def run(args) -> int:
    import dataclasses

    from ..models import model_class
    from ..solver.response import response

    cls = model_class(args.kind)
    params = {}
    for f in dataclasses.fields(cls):
        val = getattr(args, f.name)
        if val is None and f.default is dataclasses.MISSING:
            raise ValueError(f"--{f.name.replace('_', '-')} is required for --kind {args.kind}")
        if val is not None:
            params[f.name] = val
    extra = [n for n in ("m_eff", "alpha", "beta", "velocity")
             if getattr(args, n) is not None and n not in params]
    if extra:
        raise ValueError(f"--{extra[0].replace('_', '-')} is not a parameter of --kind {args.kind}")
    model = cls(**params)
    r = response(model, args.fermi_energy, args.theta, phi=args.phi,
                 approximation=args.approximation, regime=args.regime, rtol=args.rtol)
    if args.json:
        from .config import strict_json

        print(strict_json(r.to_dict()))
        return 0
    print(format_response(r))
    return 0


def format_response(r) -> str:
    lines = [str(r.model),
             f"fermi_energy = {r.fermi_energy:.6g} eV, theta = {r.theta:.6g} rad, phi = {r.phi:.6g} rad, "
             f"approximation = {r.approximation}, regime = {r.regime}", "",
             "K (1/(V m)): rows spin x, y, z; columns field x, y   (+- error)"]
    for a, name in enumerate("xyz"):
        row = "  ".join(f"{r.K[a, b]: .6e} +- {r.K_err[a, b]:.1e}" for b in range(2))
        lines.append(f"  S_{name}: {row}")
    lines.append("sigma (S):")
    for a, name in enumerate("xy"):
        row = "  ".join(f"{r.sigma[a, b]: .6e} +- {r.sigma_err[a, b]:.1e}" for b in range(2))
        lines.append(f"  J_{name}: {row}")
    lines.append("torque coefficients (P-4): t in 1/(V m), tau = t/sigma_xx in 1/(A m)")
    for k in ("t1e", "t2e", "t1o", "t2o"):
        tk = "tau" + k[1:]
        lines.append(f"  {k} = {r.torque[k]: .6e} +- {r.torque_err[k]:.1e}    "
                     f"{tk} = {r.torque[tk]: .6e} +- {r.torque_err[tk]:.1e}")
    return "\n".join(lines)
