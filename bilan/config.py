"""Chemins du projet, résolus depuis l'emplacement du paquet (jamais depuis le dossier courant)."""

from __future__ import annotations

from pathlib import Path

RACINE: Path = Path(__file__).resolve().parents[1]
DONNEES: Path = RACINE / "data"
NOTEBOOKS: Path = RACINE / "notebooks"
PARAMETRES: Path = RACINE / "params"
STYLES: Path = RACINE / "styles"
CONSTRUCTION: Path = RACINE / "_build"
CONFIG_QUARTO: Path = RACINE / "_quarto.yml"


def chemin_projet(chemin: str | Path) -> Path:
    """Résout un chemin relatif à la racine du projet (les notebooks tournent ailleurs)."""
    p = Path(chemin)
    return p if p.is_absolute() else RACINE / p
