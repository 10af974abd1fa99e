"""Rendu Quarto du rapport (site HTML et PDF Typst) : ce que la construction appelle.

La construction (``bilan.construire``) prépare un dossier de travail ``S`` : notebooks exécutés
par papermill dans ``S/notebooks/``, ``S/_variables.yml``, copies de ``_quarto.yml``,
``index.qmd`` et ``styles/``. Ce module y ajoute la configuration propre à l'édition, donne la
commande Quarto et dit où Quarto écrit le résultat.

Métadonnées d'une édition : un profil de projet Quarto. ``ecrire_config_edition`` écrit
``S/_quarto-edition.yml`` ; ``quarto render S --profile edition`` le fusionne avec
``_quarto.yml`` (objets fusionnés clé par clé, dont ``book:`` ; documentation Quarto
« Project Profiles »). Rien de propre à une édition n'est donc écrit en dur dans ``_quarto.yml``.

Couleurs des statuts : ``styles/statuts.yml`` est la source unique ; ``couleurs_statuts()``
la lit pour les figures matplotlib, et les tests vérifient que ``styles/rapport.scss`` (HTML)
et ``styles/rapport.typ`` (PDF) en portent les mêmes valeurs.

Aucun travail à l'importation : les fichiers ne sont lus et Quarto n'est cherché qu'à l'appel.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bilan.config import STYLES

#: Nom du profil Quarto qui porte les métadonnées de l'édition.
PROFIL_EDITION = "edition"

#: Fichier de ce profil, écrit dans le dossier de travail (convention ``_quarto-<profil>.yml``).
FICHIER_PROFIL = f"_quarto-{PROFIL_EDITION}.yml"

#: Dossier de sortie si ``_quarto.yml`` n'en donne pas (``project.output-dir``).
SORTIE_PAR_DEFAUT = "_rapport"

#: Version de Quarto visée : options et comportements vérifiés pour cette version.
VERSION_QUARTO = "1.10"

#: Palette des statuts (source unique), relative à la racine du projet.
FICHIER_STATUTS: Path = STYLES / "statuts.yml"

MESSAGE_INSTALLATION = f"""\
Quarto est introuvable : le rapport HTML et PDF n'a pas été rendu.
Les notebooks exécutés et les exports sont pourtant prêts dans _build/<édition>/.

Pour rendre le rapport, installer Quarto {VERSION_QUARTO} (il comprend Pandoc et Typst), au choix :
  • avec conda : conda env create -f environment.yml, puis conda activate bilan-pacsesm
    (paquet « quarto » de conda-forge, version {VERSION_QUARTO}.*) ;
  • depuis https://quarto.org/docs/get-started/ (installateur de la version {VERSION_QUARTO}) ;
  • avec pip, sur une machine qui a accès à Internet : pip install "quarto-cli=={VERSION_QUARTO}.*"
    (le paquet télécharge le programme Quarto à l'installation).
Vérifier ensuite avec « quarto --version », puis relancer : python -m bilan construire params/<édition>.yml
"""

_CLES_EDITION = ("titre", "sous_titre", "auteur", "date")
_COULEUR_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def ecrire_config_edition(dossier: Path, meta: Mapping[str, Any]) -> None:
    """Écrit ``dossier/_quarto-edition.yml``, le profil Quarto des métadonnées de l'édition.

    ``meta`` : ``titre``, ``sous_titre``, ``auteur``, ``date`` (chaînes déjà mises en forme en
    français, ex. « Déposé à l'Assemblée nationale en décembre 2024 ») et ``langue`` (« fr »
    par défaut). Ces valeurs vont dans ``book:`` (titre du site et du PDF, bloc de titre de la
    page d'accueil, métadonnées du PDF) ; ``lang`` fixe ``<html lang>``, les libellés et la
    césure. Lève ``ValueError`` (message en français) si une valeur manque ou est vide.
    """
    manquantes = [cle for cle in _CLES_EDITION if not str(meta.get(cle) or "").strip()]
    if manquantes:
        raise ValueError(
            "Métadonnées de l'édition incomplètes pour Quarto : "
            + ", ".join(manquantes)
            + f" (attendues : {', '.join(_CLES_EDITION)}, et langue facultative)."
        )
    langue = str(meta.get("langue") or "fr").strip()
    profil = {
        "lang": langue,
        "book": {
            "title": str(meta["titre"]).strip(),
            "subtitle": str(meta["sous_titre"]).strip(),
            "author": str(meta["auteur"]).strip(),
            "date": str(meta["date"]).strip(),
        },
    }
    entete = (
        "# Profil Quarto de l'édition, écrit par bilan.rendu.ecrire_config_edition() ;\n"
        f"# activé par « quarto render --profile {PROFIL_EDITION} ». Ne pas modifier à la main.\n"
    )
    texte = yaml.safe_dump(profil, allow_unicode=True, sort_keys=False, width=1000)
    Path(dossier, FICHIER_PROFIL).write_text(entete + texte, encoding="utf-8")


def commande_quarto(dossier: Path) -> list[str]:
    """La commande qui rend le livre dans ses deux formats (HTML et Typst, définis dans ``_quarto.yml``).

    Sans ``--to`` : tous les formats du projet. Sans ``--execute`` : les notebooks gardent les
    sorties de papermill. ``--profile`` active ``_quarto-edition.yml``.
    """
    return ["quarto", "render", str(dossier), "--profile", PROFIL_EDITION]


def dossier_sortie(dossier: Path) -> Path:
    """Le dossier où Quarto écrit le site HTML et le PDF : ``project.output-dir`` de ``_quarto.yml``."""
    sortie = SORTIE_PAR_DEFAUT
    config = Path(dossier) / "_quarto.yml"
    if config.exists():
        donnees = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
        sortie = (donnees.get("project") or {}).get("output-dir") or SORTIE_PAR_DEFAUT
    return Path(dossier) / sortie


def quarto_disponible() -> str | None:
    """Chemin du programme ``quarto`` trouvé dans le PATH, ou ``None``."""
    return shutil.which("quarto")


def version_quarto() -> str | None:
    """Version de Quarto (« 1.10.19 »), ou ``None`` si Quarto est absent ou ne répond pas."""
    chemin = quarto_disponible()
    if chemin is None:
        return None
    try:
        proc = subprocess.run([chemin, "--version"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    version = proc.stdout.strip()
    return version if proc.returncode == 0 and version else None


def version_compatible(version: str) -> bool:
    """Vrai si ``version`` est de la série visée (``VERSION_QUARTO``, ex. 1.10.x)."""
    return version.strip() == VERSION_QUARTO or version.strip().startswith(VERSION_QUARTO + ".")


def _lire_statuts() -> dict[str, Any]:
    donnees = yaml.safe_load(FICHIER_STATUTS.read_text(encoding="utf-8")) or {}
    categories = donnees.get("categories")
    if not isinstance(categories, dict) or not categories:
        raise ValueError(f"{FICHIER_STATUTS} : clé « categories » absente ou vide.")
    fautives = {k: v for k, v in {**categories, "texte": donnees.get("texte")}.items()
                if not isinstance(v, str) or not _COULEUR_HEX.match(v)}
    if fautives:
        detail = ", ".join(f"{k} = {v!r}" for k, v in fautives.items())
        raise ValueError(f"{FICHIER_STATUTS} : couleur invalide (attendu #RRGGBB) : {detail}.")
    return donnees


def couleurs_statuts() -> dict[str, str]:
    """Couleur de fond de chaque catégorie de statut (``realise`` → ``#009E73``…), de ``styles/statuts.yml``."""
    return {str(cat): str(couleur) for cat, couleur in _lire_statuts()["categories"].items()}


def couleur_texte_statuts() -> str:
    """Couleur du texte des étiquettes de statut (contraste suffisant sur chaque fond)."""
    return str(_lire_statuts()["texte"])
