"""Chemins du projet, résolus depuis l'emplacement du paquet (jamais depuis le dossier courant).

Un seul réglage par l'environnement : ``BILAN_DONNEES``, le dossier des données. La
construction le donne aux noyaux des notebooks quand elle construit à partir d'un autre
dossier que ``data/`` (``construire(…, donnees=…)`` : tests, plans synthétiques du banc
d'essai), pour que notebooks, exports et validation lisent les mêmes fichiers.
"""

from __future__ import annotations

import os
from pathlib import Path

RACINE: Path = Path(__file__).resolve().parents[1]
DONNEES: Path = Path(os.environ["BILAN_DONNEES"]) if os.environ.get("BILAN_DONNEES") else RACINE / "data"
NOTEBOOKS: Path = RACINE / "notebooks"
PARAMETRES: Path = RACINE / "params"
STYLES: Path = RACINE / "styles"
CONSTRUCTION: Path = RACINE / "_build"
CONFIG_QUARTO: Path = RACINE / "_quarto.yml"


def chemin_projet(chemin: str | Path) -> Path:
    """Résout un chemin relatif à la racine du projet (les notebooks tournent ailleurs)."""
    p = Path(chemin)
    return p if p.is_absolute() else RACINE / p


def etat_git(court: bool = False) -> tuple[str, bool] | None:
    """Commit courant du dépôt et présence de modifications non versionnées des fichiers suivis
    (les fichiers non suivis, comme _build/ ou collecte/, ne comptent pas) ; None hors d'un dépôt
    git ou sans git. Partagé par la bannière de relecture, la provenance des exports et les bancs."""
    import subprocess  # noqa: PLC0415 — seules ces quelques fonctions en ont besoin

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=RACINE, capture_output=True, text=True, check=True).stdout.strip()

    try:
        sha = git("rev-parse", *(["--short"] if court else []), "HEAD")
        return sha, bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.CalledProcessError):
        return None


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` (secondes), la date que les constructions reproductibles donnent à
    leurs fichiers (PDF, classeurs), s'il est donné et valide ; sinon ``None``."""
    valeur = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(valeur) if valeur.isdigit() else None
