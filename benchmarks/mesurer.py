"""Banc d'essai : temps et mémoire des étapes de la construction, à relancer après un changement.

    .venv/bin/python benchmarks/mesurer.py            # validation et calculs (quelques secondes)
    .venv/bin/python benchmarks/mesurer.py --complet  # plus la construction entière sans Quarto

Les cibles ci-dessous sont celles d'une machine de 2 cœurs et 24 Gio ; le script affiche chaque
mesure à côté de sa cible et se termine par un code non nul si l'une est dépassée. Ce n'est pas
un test (les temps varient d'une machine à l'autre) : c'est un outil de suivi.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE))

from bilan.contexte import Contexte  # noqa: E402
from bilan.donnees import charger_plan, verifier  # noqa: E402
from bilan.synthese import repartition, statuts_livrables, statuts_mesures  # noqa: E402

CIBLES = {  # secondes, Mio de mémoire résidente maximale du processus
    "validation des données": (3.0, 500),
    "statuts et répartitions à 100 dates": (10.0, 500),
    "calculs d'une édition (variables, fiches)": (3.0, 500),
    "construction complète sans Quarto": (180.0, 500),
}


def mesurer(nom: str, fonction) -> bool:
    """Durée (horloge murale) et mémoire résidente maximale du processus après l'étape.

    La mémoire est le maximum atteint depuis le lancement du script (ru_maxrss) : une borne
    supérieure de ce que l'étape demande, sans le ralentissement qu'imposerait tracemalloc.
    """
    debut = time.perf_counter()
    fonction()
    duree = time.perf_counter() - debut
    pic = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cible_s, cible_mio = CIBLES[nom]
    ok = duree <= cible_s and pic <= cible_mio
    print(f"{'ok     ' if ok else 'DÉPASSÉ'} {nom:45} {duree:7.2f} s (cible {cible_s:g})   {pic:7.0f} Mio (cible {cible_mio})")
    return ok


def statuts_a_100_dates() -> None:
    plan = charger_plan()
    debut = dt.date(2021, 12, 1)
    for i in range(100):
        date = debut + dt.timedelta(days=15 * i)
        repartition(plan, statuts_mesures(plan, date), "mesure")
        repartition(plan, statuts_livrables(plan, date), "livrable")


def calculs_edition() -> None:
    ctx = Contexte.charger("params/2024.yml")
    ctx.variables
    for m in ctx.plan.mesures["mesure"]:
        ctx.fiche(m)


def construction_complete() -> None:
    with tempfile.TemporaryDirectory() as dossier:
        code = subprocess.run(
            [sys.executable, "-c",
             "import sys; from pathlib import Path; from bilan.construire import construire;"
             f"sys.exit(construire('params/2024.yml', racine=Path({dossier!r}), rendre=False, dire=lambda m: None))"],
            cwd=RACINE,
        ).returncode
        assert code == 0, f"la construction a échoué (code {code})"
    enfants = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"    mémoire résidente maximale d'un processus enfant (noyau Jupyter compris) : {enfants:.0f} Mio")


def main() -> int:
    p = argparse.ArgumentParser(description="Banc d'essai de la construction du rapport.")
    p.add_argument("--complet", action="store_true", help="mesurer aussi la construction entière (≈ 1 min)")
    args = p.parse_args()
    resultats = [
        mesurer("validation des données", verifier),
        mesurer("statuts et répartitions à 100 dates", statuts_a_100_dates),
        mesurer("calculs d'une édition (variables, fiches)", calculs_edition),
    ]
    if args.complet:
        resultats.append(mesurer("construction complète sans Quarto", construction_complete))
    return 0 if all(resultats) else 1


if __name__ == "__main__":
    sys.exit(main())
