"""Exports en données ouvertes (CSV UTF-8) et fichier de provenance d'une construction."""

from __future__ import annotations

import datetime as dt
import hashlib
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from bilan.config import DONNEES, RACINE
from bilan.donnees import FICHIERS, Plan

PAQUETS = ("pandas", "pandera", "papermill", "matplotlib", "babel", "nbformat", "nbclient", "ipykernel", "pyyaml", "bilan")


def _budget(plan: Plan, m: pd.Series) -> str:
    if m["budget_type"] == "montant":
        return str(int(m["budget"]))
    if m["budget_type"] == "autofinance":
        return "Autofinancé"
    montant, partageurs = plan.budget_commun(m["budget_commun"])
    return f"{montant} (partagé : mesures {', '.join(partageurs)})"


def _recommandations(plan: Plan, m: pd.Series) -> str:
    if m["liens_recommandations"] == "initiative gouvernementale":
        return "Initiative gouvernementale"
    if m["liens_recommandations"] == "inconnus":
        return "Inconnues"
    return ";".join(str(n) for n in plan.recommandations_de(m["mesure"]))


def table_mesures(plan: Plan, statuts: pd.DataFrame) -> pd.DataFrame:
    """mesure, axe, titre, statut, porteurs, collaborateurs, budget, recommandations (statut à la date)."""
    statut = dict(zip(statuts["mesure"], statuts["statut"]))
    lignes = []
    for _, m in plan.mesures.iterrows():
        lignes.append({
            "mesure": m["mesure"],
            "axe": int(m["axe"]),
            "titre": m["titre"],
            "statut": statut[m["mesure"]],
            "porteurs": " ; ".join(plan.organisations_de(m["mesure"], "porteur")),
            "collaborateurs": " ; ".join(plan.organisations_de(m["mesure"], "collaborateur")),
            "budget": _budget(plan, m),
            "recommandations": _recommandations(plan, m),
        })
    return pd.DataFrame(lignes)


def table_livrables(statuts_livrables: pd.DataFrame) -> pd.DataFrame:
    """mesure, ordre, livrable, statut (statut à la date de référence)."""
    return statuts_livrables[["mesure", "ordre", "livrable", "statut"]].reset_index(drop=True)


def ecrire_exports(dossier: Path, plan: Plan, statuts_mesures: pd.DataFrame, statuts_livrables: pd.DataFrame) -> list[Path]:
    dossier.mkdir(parents=True, exist_ok=True)
    chemins = [dossier / "mesures.csv", dossier / "livrables.csv"]
    table_mesures(plan, statuts_mesures).to_csv(chemins[0], index=False, encoding="utf-8")
    table_livrables(statuts_livrables).to_csv(chemins[1], index=False, encoding="utf-8")
    return chemins


def _commit() -> dict[str, Any]:
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=RACINE, capture_output=True, text=True, check=True).stdout.strip()
        sale = subprocess.run(["git", "status", "--porcelain"], cwd=RACINE, capture_output=True, text=True, check=True).stdout.strip()
        return {"commit": sha, "modifications_non_versionnees": bool(sale)}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": "inconnu (pas un dépôt git)", "modifications_non_versionnees": None}


def _version(paquet: str) -> str:
    try:
        return metadata.version(paquet)
    except metadata.PackageNotFoundError:
        return "absent"


def provenance(fichier_params: Path, version_quarto: str | None, donnees: Path = DONNEES, moteur: str = "aucun",
               execution: list[tuple[str, bool]] | None = None) -> dict[str, Any]:
    """Paramètres, empreintes des données, versions des outils, moteur de rendu et commit git.

    C'est le seul fichier publié qui porte la date de la construction (``construit_le``) : tout
    le reste est identique d'une construction à l'autre du même commit.
    """
    from bilan.integre import version_pandoc, version_typst

    versions = {"python": platform.python_version(), **{p: _version(p) for p in PAQUETS},
                "quarto": version_quarto or "absent"}
    if moteur == "integre":
        versions["pandoc"] = version_pandoc()
        versions["typst"] = version_typst()
    return {
        "construit_le": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "parametres": {"fichier": str(fichier_params.relative_to(RACINE)) if fichier_params.is_relative_to(RACINE) else str(fichier_params),
                       "contenu": yaml.safe_load(fichier_params.read_text(encoding="utf-8-sig"))},
        "donnees_sha256": {f"data/{nom}": hashlib.sha256((Path(donnees) / nom).read_bytes()).hexdigest()
                           for nom in FICHIERS if (Path(donnees) / nom).exists()},
        "moteur_de_rendu": {"quarto": "Quarto", "integre": "moteur intégré (Pandoc et Typst)"}.get(moteur, "aucun (rendu non fait)"),
        "notebooks": {nom: ("sorties reprises du cache" if repris else "exécuté") for nom, repris in (execution or [])},
        "versions": versions,
        "git": _commit(),
    }
