"""Valeurs calculées que le texte narratif insère par ``{{< var … >}}`` (fichier ``_variables.yml``).

Toutes sont déjà mises en forme en français ; la liste des noms est documentée dans
``docs/conception.md``. Un nombre que les données déterminent n'est jamais tapé dans le texte.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from bilan import francais
from bilan.donnees import Plan
from bilan.markdown import texte
from bilan.parametres import Parametres
from bilan.synthese import Comparaison, budget_total


def _par_categorie(rep: pd.DataFrame) -> dict[str, dict[str, str]]:
    return {
        ligne["categorie"]: {"nombre": str(ligne["nombre"]), "pourcentage": ligne["pourcentage_texte"]}
        for _, ligne in rep.iterrows()
    }


def sur_dix(pourcentages: list[int]) -> int:
    """« 9 livrables sur 10 » : somme des pourcentages entiers publiés, ramenée sur 10 (arrondi au plus près)."""
    return int((Decimal(sum(pourcentages)) / 10).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def variables(
    params: Parametres,
    plan: Plan,
    rep_mesures: pd.DataFrame,
    rep_livrables: pd.DataFrame,
    precedente: Comparaison | None,
) -> dict[str, Any]:
    """Le dictionnaire écrit dans ``_variables.yml``."""
    mesures = {"total": str(len(plan.mesures)), **_par_categorie(rep_mesures)}
    mesures["axe6"] = str(int((plan.mesures["axe"] == 6).sum()))
    livrables = {"total": str(int(rep_livrables["total"].iloc[0])), **_par_categorie(rep_livrables)}
    pct = dict(zip(rep_livrables["categorie"], rep_livrables["pourcentage"]))
    livrables["sur_dix"] = str(sur_dix([pct.get("realise", 0), pct.get("en_cours", 0)]))
    resultat: dict[str, Any] = {
        "edition": params.edition,
        "date_reference": francais.date_longue(params.date_reference, markdown=True),
        # Mois de dépôt encore inconnu (brouillon) : dit tel quel et mis en évidence, jamais deviné.
        "depot": (francais.mois_annee(params.mois_depot) if params.mois_depot is not None
                  else f"[{texte(params['mois_depot'])}]{{.a-preciser}}"),
        "mesures": mesures,
        "livrables": livrables,
        "budget": {"total": francais.montant(budget_total(plan))},
        "recommandations": {"total": str(len(plan.recommandations))},
        "comite": {"membres": str(len(plan.comite))},
    }
    if precedente is not None:
        resultat["precedente"] = {"edition": precedente.edition, **_par_categorie(precedente.repartition)}
    return resultat


def aplatir(valeurs: dict[str, Any], prefixe: str = "") -> dict[str, str]:
    """{"mesures": {"total": "38"}} → {"mesures.total": "38"} (noms tels qu'écrits dans ``{{< var >}}``)."""
    plat: dict[str, str] = {}
    for cle, v in valeurs.items():
        nom = f"{prefixe}{cle}"
        if isinstance(v, dict):
            plat.update(aplatir(v, nom + "."))
        else:
            plat[nom] = str(v)
    return plat
