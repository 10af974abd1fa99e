"""Banc d'échelle : le travail fait en processus croît-il comme le nombre de mesures ?

    .venv/bin/python benchmarks/echelle.py                          # 100, 1 000 et 5 000 mesures
    .venv/bin/python benchmarks/echelle.py --tailles 100 1000 --repetitions 5
    .venv/bin/python benchmarks/echelle.py --tracemalloc            # plus le pic d'allocation par étape

Pour chaque taille, un processus neuf génère un plan synthétique (benchmarks/synthetique.py,
hors chronomètre), puis chronomètre chaque étape plusieurs fois et en garde la médiane :
validation, chargement, statuts à la date, variables, fiches de tous les axes, exports,
annexes, figures et tableaux. Un processus par taille donne une mémoire résidente maximale
(ru_maxrss) propre à cette taille. La dernière colonne du tableau rapporte la croissance
du temps à celle du nombre de mesures entre les deux plus grandes tailles : 1 pour un
calcul linéaire, 5 pour un calcul quadratique de 1 000 à 5 000 mesures.

Le tableau s'affiche et les chiffres sont écrits dans benchmarks/resultats/echelle.json
(dossier ignoré par git : les temps dépendent de la machine). Ce n'est pas un test.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

RACINE = Path(__file__).resolve().parents[1]
RESULTATS = RACINE / "benchmarks" / "resultats" / "echelle.json"
TAILLES = (100, 1000, 5000)


def _etapes(donnees: Path, fichier_params: Path, sortie: Path) -> list[tuple[str, Callable[[], Any], Callable[[Any], Any]]]:
    """(nom, préparation hors chronomètre, travail chronométré) de chaque étape, sur un plan donné."""
    from bilan.contexte import Contexte
    from bilan.donnees import charger_plan, verifier
    from bilan.exports import ecrire_exports
    from bilan.parametres import lire_parametres
    from bilan.synthese import statuts_livrables, statuts_mesures

    plan = charger_plan(donnees)
    params = lire_parametres(fichier_params)
    axes = [int(a) for a in plan.axes["axe"]]

    def contexte() -> Contexte:
        return Contexte(params, plan)

    def contexte_a_la_date() -> Contexte:
        ctx = Contexte(params, plan)
        ctx.statuts_mesures, ctx.statuts_livrables, ctx.repartition_mesures, ctx.repartition_livrables, ctx.precedente
        return ctx

    return [
        ("validation (verifier)", lambda: None, lambda _: verifier(donnees)),
        ("chargement (charger_plan)", lambda: None, lambda _: charger_plan(donnees)),
        ("statuts à la date", lambda: None,
         lambda _: (statuts_mesures(plan, params.date_reference), statuts_livrables(plan, params.date_reference))),
        ("variables (Contexte.variables)", contexte, lambda ctx: ctx.variables),
        ("fiches (ctx.fiches de chaque axe)", contexte_a_la_date, lambda ctx: [ctx.fiches(a) for a in axes]),
        ("exports (ecrire_exports)", contexte_a_la_date,
         lambda ctx: ecrire_exports(sortie, ctx.plan, ctx.statuts_mesures, ctx.statuts_livrables)),
        ("annexes (recommandations, comité, acronymes)", contexte,
         lambda ctx: (ctx.annexe_recommandations(), ctx.annexe_comite(), ctx.liste_acronymes())),
        ("figures et tableaux du bilan", contexte_a_la_date,
         lambda ctx: (ctx.tableau_progression(), ctx.figure_mesures(), ctx.figure_livrables(), ctx.tableau_axes(), ctx.figure_axes())),
    ]


def mesurer_une_taille(mesures: int, repetitions: int, graine: int, avec_tracemalloc: bool) -> dict[str, Any]:
    """Dans le processus courant (dont le dossier courant reçoit plan, exports et figures)."""
    sys.path.insert(0, str(RACINE))
    sys.path.insert(0, str(RACINE / "benchmarks"))
    from synthetique import generer

    from bilan.config import DONNEES, PARAMETRES

    # Tour de chauffe sur le plan réel : imports (matplotlib, babel) et caches hors chronomètre.
    for _, preparer, travail in _etapes(DONNEES, PARAMETRES / "2024.yml", Path("exports-chauffe").resolve()):
        travail(preparer())

    debut = time.perf_counter()
    projet = generer(Path("plan").resolve(), mesures, graine)
    generation = time.perf_counter() - debut
    etapes = _etapes(projet / "data", projet / "params" / "2024.yml", Path("exports").resolve())
    resultats: dict[str, Any] = {}
    for nom, preparer, travail in etapes:
        temps = []
        for _ in range(repetitions):
            entree = preparer()
            debut = time.perf_counter()
            travail(entree)
            temps.append(time.perf_counter() - debut)
        resultats[nom] = {"mediane_s": statistics.median(temps), "temps_s": temps}
    if avec_tracemalloc:  # passe à part : tracemalloc ralentit les allocations
        for nom, preparer, travail in etapes:
            entree = preparer()
            tracemalloc.start()
            travail(entree)
            resultats[nom]["pic_alloue_mio"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
    livrables = sum(1 for _ in (projet / "data" / "livrables.csv").open(encoding="utf-8")) - 1
    return {
        "mesures": mesures,
        "livrables": livrables,
        "generation_s": generation,
        "etapes": resultats,
        "total_s": sum(r["mediane_s"] for r in resultats.values()),
        "memoire_max_mio": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _commit() -> str:
    from bilan.config import etat_git

    etat = etat_git(court=True)
    return "inconnu" if etat is None else etat[0] + (" (modifié)" if etat[1] else "")


def tableau(resultats: dict[str, Any]) -> str:
    """Médianes par étape et par taille ; croissance rapportée au nombre de mesures entre les deux plus grandes."""
    tailles = list(resultats)
    noms = list(resultats[tailles[0]]["etapes"])
    largeur = max(map(len, noms)) + 2
    lignes = [f"{'étape (médiane, s)':<{largeur}}" + "".join(f"{int(t):>10}" for t in tailles) + "   croissance"]

    def croissance(valeurs: list[float]) -> str:
        if len(tailles) < 2 or valeurs[-2] <= 0:
            return ""
        return f"{(valeurs[-1] / valeurs[-2]) / (int(tailles[-1]) / int(tailles[-2])):9.2f}"

    for nom in noms + ["total"]:
        valeurs = [resultats[t]["total_s"] if nom == "total" else resultats[t]["etapes"][nom]["mediane_s"] for t in tailles]
        lignes.append(f"{nom:<{largeur}}" + "".join(f"{v:10.3f}" for v in valeurs) + "   " + croissance(valeurs))
    lignes.append(f"{'mémoire résidente max. (Mio)':<{largeur}}" + "".join(f"{resultats[t]['memoire_max_mio']:10.0f}" for t in tailles))
    lignes.append(f"{'livrables':<{largeur}}" + "".join(f"{resultats[t]['livrables']:10d}" for t in tailles))
    return "\n".join(lignes)


def main() -> int:
    p = argparse.ArgumentParser(description="Temps et mémoire du travail en processus selon le nombre de mesures.")
    p.add_argument("--tailles", type=int, nargs="+", default=list(TAILLES), help="nombres de mesures (défaut : 100 1000 5000)")
    p.add_argument("--repetitions", type=int, default=3, help="mesures par étape, on garde la médiane (défaut : 3)")
    p.add_argument("--graine", type=int, default=0, help="graine des plans synthétiques (défaut : 0)")
    p.add_argument("--tracemalloc", action="store_true", help="pic d'allocation Python de chaque étape (passe de plus)")
    p.add_argument("--sortie", type=Path, default=RESULTATS, help=f"fichier JSON (défaut : {RESULTATS.relative_to(RACINE)})")
    p.add_argument("--une-taille", type=int, help=argparse.SUPPRESS)  # processus enfant : écrit son JSON sur stdout
    args = p.parse_args()

    if args.une_taille is not None:
        print(json.dumps(mesurer_une_taille(args.une_taille, args.repetitions, args.graine, args.tracemalloc)))
        return 0

    resultats: dict[str, Any] = {}
    for taille in args.tailles:
        print(f"{taille} mesures …", flush=True)
        with tempfile.TemporaryDirectory(prefix=f"echelle-{taille}-") as dossier:
            commande = [sys.executable, str(Path(__file__).resolve()), "--une-taille", str(taille),
                        "--repetitions", str(args.repetitions), "--graine", str(args.graine)]
            if args.tracemalloc:
                commande.append("--tracemalloc")
            proc = subprocess.run(commande, cwd=dossier, capture_output=True, text=True)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        resultats[str(taille)] = json.loads(proc.stdout.strip().splitlines()[-1])
    print(tableau(resultats))
    args.sortie.parent.mkdir(parents=True, exist_ok=True)
    args.sortie.write_text(json.dumps({
        "commit": _commit(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": {"python": platform.python_version(), "systeme": platform.platform(), "processeur": platform.processor()},
        "repetitions": args.repetitions,
        "graine": args.graine,
        "tailles": resultats,
    }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"Résultats écrits dans {args.sortie}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
