"""Rendu par Quarto (site HTML et PDF Typst) : l'adaptateur du livre Markdown à Quarto.

La construction (``bilan.construire``) écrit le livre Markdown dans un dossier de travail
``L`` (``bilan.assemblage`` : ``index.md`` et un ``<chapitre>.md`` par notebook, ``figures/``).
Ce module en fait un projet Quarto (:func:`preparer_livre`) : ``_quarto.yml`` du dépôt complété
de la liste des chapitres, ``styles/``, et un profil de l'édition (``_quarto-edition.yml``,
:func:`ecrire_config_edition`) ; il donne la commande (:func:`commande_quarto`), dit où Quarto
écrit le résultat (:func:`dossier_sortie`) et corrige ce que les pages de Quarto ont
d'inaccessible (:func:`finir_html`).

Métadonnées d'une édition : un profil de projet Quarto. ``quarto render L --profile edition``
fusionne ``_quarto-edition.yml`` avec ``_quarto.yml`` (objets fusionnés clé par clé, dont
``book:`` ; documentation Quarto « Project Profiles »). Rien de propre à une édition n'est
donc écrit en dur dans ``_quarto.yml``.

Couleurs des statuts : ``styles/statuts.yml`` est la source unique ; ``couleurs_statuts()``
la lit pour les figures matplotlib, et les tests vérifient que ``styles/rapport.css`` (HTML)
et ``styles/rapport.typ`` (PDF) en portent les mêmes valeurs.

Aucun travail à l'importation : les fichiers ne sont lus et Quarto n'est cherché qu'à l'appel.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bilan.config import CONFIG_QUARTO, STYLES

if TYPE_CHECKING:
    from bilan.integre import Metadonnees

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
Quarto est introuvable : le rapport HTML et PDF n'a pas été rendu par Quarto (--moteur quarto).
Les notebooks exécutés et les exports sont pourtant prêts dans _build/<édition>/ ; sans
--moteur quarto, le moteur intégré (Pandoc et Typst) rend le rapport.

Pour rendre le rapport avec Quarto, installer Quarto {VERSION_QUARTO} (il comprend Pandoc et Typst), au choix :
  • avec conda : conda env create -f environment.yml, puis conda activate bilan-pacsesm
    (paquet « quarto » de conda-forge, version {VERSION_QUARTO}.*) ;
  • depuis https://quarto.org/docs/get-started/ (installateur de la version {VERSION_QUARTO}) ;
  • avec pip, sur une machine qui a accès à Internet : pip install "quarto-cli=={VERSION_QUARTO}.*"
    (le paquet télécharge le programme Quarto à l'installation).
Vérifier ensuite avec « quarto --version », puis relancer : python -m bilan construire params/<édition>.yml
"""

_CLES_EDITION = ("titre", "sous_titre", "auteur")
#: Bandeau HTML d'une version de travail, inséré en tête de chaque page par Quarto.
FICHIER_BANDEAU = "_bandeau-brouillon.html"
_COULEUR_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def ecrire_config_edition(dossier: Path, meta: Mapping[str, Any]) -> None:
    """Écrit ``dossier/_quarto-edition.yml``, le profil Quarto des métadonnées de l'édition.

    ``meta`` : ``titre``, ``sous_titre``, ``auteur`` (textes), ``mois_depot`` (date du premier
    du mois de dépôt, ou ``None`` s'il n'est pas encore connu), ``langue`` (« fr-CA » par
    défaut), ``brouillon`` (texte du bandeau d'une version de travail, ou ``None``) et
    ``titre_accueil`` (titre de la page d'accueil, retiré du PDF par styles/typst-classes.lua).

    Le mois de dépôt est une vraie date, affichée « décembre 2024 » (``date-format``) sous le
    libellé « Dépôt à l'Assemblée nationale » : Quarto lit ``date`` comme une date, et une
    phrase y devenait « 1 janvier 2024 ». Lève ``ValueError`` si un texte manque.
    """
    manquantes = [cle for cle in _CLES_EDITION if not str(meta.get(cle) or "").strip()]
    if manquantes:
        raise ValueError(
            "Métadonnées de l'édition incomplètes pour Quarto : "
            + ", ".join(manquantes)
            + f" (attendues : {', '.join(_CLES_EDITION)} ; mois_depot, langue, brouillon facultatifs)."
        )
    livre: dict[str, Any] = {
        "title": str(meta["titre"]).strip(),
        "subtitle": str(meta["sous_titre"]).strip(),
        "author": str(meta["auteur"]).strip(),
    }
    if meta.get("mois_depot"):
        livre["date"] = meta["mois_depot"].isoformat()
        livre["date-format"] = "MMMM YYYY"
    profil: dict[str, Any] = {"lang": str(meta.get("langue") or "fr-CA").strip(), "book": livre}
    if meta.get("titre_accueil"):
        profil["bilan-titre-accueil"] = str(meta["titre_accueil"])
    if meta.get("brouillon"):
        # PDF : le partiel styles/typst-show.typ lit bilan-brouillon ; HTML : un bandeau en tête
        # de chaque page (include-before-body, fichier écrit à côté du profil).
        profil["bilan-brouillon"] = str(meta["brouillon"])
        Path(dossier, FICHIER_BANDEAU).write_text(
            f'<div class="bandeau-brouillon" role="note">{html.escape(str(meta["brouillon"]))}</div>\n', encoding="utf-8")
        profil["format"] = {"html": {"include-before-body": [FICHIER_BANDEAU]}}
    entete = (
        "# Profil Quarto de l'édition, écrit par bilan.rendu.ecrire_config_edition() ;\n"
        f"# activé par « quarto render --profile {PROFIL_EDITION} ». Ne pas modifier à la main.\n"
    )
    texte = yaml.safe_dump(profil, allow_unicode=True, sort_keys=False, width=1000)
    Path(dossier, FICHIER_PROFIL).write_text(entete + texte, encoding="utf-8")


def preparer_livre(dossier: Path, chapitres: Sequence[str], meta: "Metadonnees") -> None:
    """Fait du livre Markdown écrit dans ``dossier`` un projet Quarto prêt à rendre.

    ``_quarto.yml`` du dépôt, complété de ``book.chapters`` (``index.md`` puis un fichier par
    chapitre, dans l'ordre des notebooks) ; ``styles/`` ; le profil de l'édition.
    """
    from bilan.assemblage import TITRE_ACCUEIL

    config = yaml.safe_load(CONFIG_QUARTO.read_text(encoding="utf-8"))
    config.setdefault("book", {})["chapters"] = ["index.md", *(f"{c}.md" for c in chapitres)]
    entete = ("# Copie de _quarto.yml écrite par bilan.rendu.preparer_livre() : chapitres du livre de\n"
              "# cette construction ajoutés. Ne pas modifier ici.\n")
    (Path(dossier) / "_quarto.yml").write_text(
        entete + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    if (Path(dossier) / "styles").exists():
        shutil.rmtree(Path(dossier) / "styles")
    shutil.copytree(STYLES, Path(dossier) / "styles")
    ecrire_config_edition(dossier, {
        "titre": meta.titre, "sous_titre": meta.sous_titre, "auteur": meta.auteur,
        "mois_depot": meta.mois_depot, "langue": meta.langue, "brouillon": meta.brouillon,
        "titre_accueil": TITRE_ACCUEIL,
    })


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


#: Noms accessibles des repères de navigation des pages de Quarto (chacun doit être unique).
NOMS_DES_REPERES = {
    ("id", "quarto-sidebar"): "Chapitres du rapport",
    ("class", "quarto-secondary-nav"): "Barre de navigation",
    ("class", "page-navigation"): "Pages précédente et suivante",
}


def finir_html(dossier: Path) -> None:
    """Corrige, dans les pages HTML de Quarto, ce que l'accessibilité (SGQRI 008 3.0, WCAG 2.1 AA)
    y trouve à redire et que Quarto 1.10 ne permet pas de régler :

    - un lien d'évitement « Aller au contenu » en tête de page (WCAG 2.4.1) ;
    - un nom pour chaque repère de navigation (barre latérale, barre du haut, pages voisines),
      identique d'une page à l'autre mais unique dans la page (axe-core : landmark-unique) ;
      la table « Sur cette page » est nommée par son titre ;
    - les liens vers les pages voisines : Quarto leur donne un aria-label tiré du titre brut
      (apostrophe droite, balisage), qui diffère du texte visible (WCAG 2.5.3) : retiré, le
      texte du lien en tient lieu ;
    - les tableaux légendés : Quarto met la légende dans un ``figcaption`` et non dans le
      tableau, qui n'a alors pas de nom accessible : ``aria-labelledby`` vers la légende.
    """
    from bs4 import BeautifulSoup

    for page in sorted(Path(dossier).glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        corps = soup.body
        if corps is None:
            continue
        contenu = soup.find(id="quarto-document-content")
        if contenu is not None and not soup.find("a", class_="lien-evitement"):
            lien = soup.new_tag("a", href="#quarto-document-content")
            lien["class"] = ["visually-hidden-focusable", "lien-evitement"]
            lien.string = "Aller au contenu"
            corps.insert(0, lien)
        for (attribut, valeur), nom in NOMS_DES_REPERES.items():
            for nav in soup.find_all("nav", attrs={attribut: valeur}):
                nav["aria-label"] = nom
        toc = soup.find("nav", id="TOC")
        if toc is not None and soup.find(id="toc-title") is not None:
            toc["aria-labelledby"] = "toc-title"
        for lien in soup.find_all("a", class_="pagination-link"):
            lien.attrs.pop("aria-label", None)
        for figure in soup.find_all("figure"):
            legende = figure.find("figcaption")
            tableau = figure.find("table")
            if legende is not None and tableau is not None and legende.get("id") and not tableau.find("caption"):
                tableau["aria-labelledby"] = legende["id"]
        page.write_text(str(soup), encoding="utf-8")
