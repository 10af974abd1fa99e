"""Moteur de rendu intégré : le livre Markdown en HTML et en PDF avec Pandoc et Typst, sans Quarto.

Quarto reste le moteur de référence là où la commande ``quarto`` existe (``bilan.rendu``).
Ailleurs (une machine qui n'atteint que l'index des paquets Python), la construction rend le
rapport (HTML, PDF, et Word pour les relectures) avec les deux moteurs que Quarto emploie
lui-même, installés avec le projet :
Pandoc (``pypandoc-binary``) et Typst (paquet ``typst``). Il reçoit exactement ce que reçoit
Quarto :

- le même livre Markdown (``bilan.assemblage`` : variables remplacées, typographie, données
  échappées), mis bout à bout en un seul document ;
- les mêmes filtres Lua (``styles/typst-classes.lua``) et la même mise en page Typst
  (``styles/rapport.typ`` en en-tête, partiel ``styles/typst-show.typ``), par le modèle
  ``styles/modele-integre.typ`` qui suit l'ordre du modèle Typst de Quarto ;
- la même feuille de style HTML (``styles/rapport.css``), dans un cadre de page
  (``styles/modele-integre.html``, ``styles/integre.css``) qui tient lieu du thème de Quarto.

Seul ce que Quarto ferait lui-même est reproduit, par un filtre à part
(``styles/moteur-integre.lua`` : blocs conditionnels, ``fig-alt``, liens entre chapitres).
Le HTML est découpé en une page par chapitre par Pandoc (format ``chunkedhtml``), qui résout
les liens entre pages ; le PDF est compilé par Typst au standard PDF/UA-1 (PDF balisé).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bilan.config import STYLES, source_date_epoch
from bilan.francais import mois_annee

#: Nom du PDF (celui de Quarto : book.output-file de _quarto.yml), lié depuis la page d'accueil.
NOM_PDF = "rapport"

FILTRE_INTEGRE = "moteur-integre.lua"
FILTRES_COMMUNS = ("typst-classes.lua",)
MODELE_TYPST = "modele-integre.typ"
MODELE_HTML = "modele-integre.html"
ENTETE_TYPST = "rapport.typ"
FEUILLES_HTML = ("rapport.css", "integre.css")


class RenduImpossible(RuntimeError):
    """Pandoc ou Typst a échoué ; le message dit lequel et pourquoi."""


@dataclass(frozen=True)
class Metadonnees:
    """Ce que les deux moteurs affichent autour du livre (titre, auteur, dépôt, version de travail).

    ``titre`` : titre du plan ; ``sous_titre`` : plan et édition ; ``mois_depot`` : mois du
    dépôt à l'Assemblée nationale (premier du mois) ou ``None`` s'il n'est pas encore connu ;
    ``brouillon`` : texte du bandeau d'une version de travail, ``None`` pour une version finale.
    """

    titre: str
    sous_titre: str
    auteur: str
    mois_depot: dt.date | None
    langue: str = "fr-CA"
    brouillon: str | None = None
    libelle_depot: str = "Dépôt à l'Assemblée nationale"
    libelle_auteur: str = "Auteur"
    titre_toc: str = "Table des matières"

    @property
    def depot(self) -> str | None:
        """« décembre 2024 »."""
        return mois_annee(self.mois_depot) if self.mois_depot else None

    def pandoc(self) -> dict[str, Any]:
        """Les métadonnées Pandoc du moteur intégré (fichier --metadata-file)."""
        meta: dict[str, Any] = {
            "title": self.titre,
            "subtitle": self.sous_titre,
            "author": [self.auteur],
            "lang": self.langue,
            "toc": True,
            "toc-title": self.titre_toc,
            "toc-depth": 1,
            "papersize": "us-letter",
            "bilan-libelle-depot": self.libelle_depot,
            "bilan-libelle-auteur": self.libelle_auteur,
        }
        if self.depot:
            meta["bilan-depot"] = self.depot
        if self.brouillon:
            meta["bilan-brouillon"] = self.brouillon
        return meta


def pandoc() -> str:
    """Chemin du programme Pandoc fourni par pypandoc-binary."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def version_pandoc() -> str:
    proc = subprocess.run([pandoc(), "--version"], capture_output=True, text=True, check=False)
    return proc.stdout.splitlines()[0].removeprefix("pandoc ").strip() if proc.returncode == 0 else "inconnue"


def version_typst() -> str:
    from importlib import metadata

    try:
        return metadata.version("typst")
    except metadata.PackageNotFoundError:
        return "absent"


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def accueil(livre: Path) -> str:
    """Le Markdown de la page d'accueil (``index.md`` sans son en-tête YAML)."""
    return _FRONT_MATTER.sub("", (livre / "index.md").read_text(encoding="utf-8")).strip()


def document_unique(livre: Path, chapitres: Sequence[str], avec_accueil: bool = True) -> str:
    """Le livre écrit par ``bilan.assemblage.ecrire_livre`` en un seul document Markdown.

    La page d'accueil ouvre le document (en PDF : couverture et notices) ; les chapitres
    suivent dans l'ordre de ``chapitres`` (noms sans extension). Le HTML place l'accueil dans
    sa page d'index, par le modèle (``avec_accueil=False``).
    """
    morceaux = [accueil(livre)] if avec_accueil else []
    morceaux += [(livre / f"{nom}.md").read_text(encoding="utf-8").strip() for nom in chapitres]
    return "\n\n".join(m for m in morceaux if m) + "\n"


def _executer(commande: list[str], dossier: Path, quoi: str) -> None:
    proc = subprocess.run(commande, cwd=dossier, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RenduImpossible(f"{quoi} : Pandoc a échoué (code {proc.returncode}) :\n{proc.stderr[-4000:]}")


def _ecrire_meta(livre: Path, nom: str, valeurs: Mapping[str, Any]) -> Path:
    fichier = livre / nom
    fichier.write_text(yaml.safe_dump(dict(valeurs), allow_unicode=True, sort_keys=False, width=1_000_000),
                       encoding="utf-8")
    return fichier


def rendre_pdf(livre: Path, chapitres: Sequence[str], meta: Metadonnees, sortie: Path) -> Path:
    """Le livre → ``sortie`` (PDF/UA-1), par Pandoc puis Typst."""
    import typst

    source = livre / "_livre-pdf.md"
    source.write_text(document_unique(livre, chapitres), encoding="utf-8")
    fichier_meta = _ecrire_meta(livre, "_metadonnees-pdf.yml", meta.pandoc())
    typ = livre / f"{NOM_PDF}.typ"
    commande = [
        pandoc(), str(source), "-f", "markdown", "-t", "typst", "-s", "--wrap=none",
        "--template", str(STYLES / MODELE_TYPST),
        "--lua-filter", str(STYLES / FILTRE_INTEGRE),
        *(a for f in FILTRES_COMMUNS for a in ("--lua-filter", str(STYLES / f))),
        "--include-in-header", str(STYLES / ENTETE_TYPST),
        "--metadata-file", str(fichier_meta),
        "-o", str(typ),
    ]
    _executer(commande, livre, "PDF")
    options: dict[str, Any] = {"root": str(livre), "pdf_standards": ["ua-1"]}
    if (epoch := source_date_epoch()) is not None:
        options["timestamp"] = epoch
    try:
        typst.compile(str(typ), output=str(sortie), **options)
    except Exception as err:  # le module typst lève ses propres erreurs, sans hiérarchie publique
        raise RenduImpossible(f"PDF : Typst a échoué : {err}") from err
    return sortie


def _fragment_html(livre: Path, markdown: str, fichier_meta: Path) -> str:
    """Un Markdown → fragment HTML, par Pandoc, avec les filtres du moteur intégré."""
    commande = [
        pandoc(), "-f", "markdown", "-t", "html", "--wrap=none",
        "--lua-filter", str(STYLES / FILTRE_INTEGRE),
        *(a for f in FILTRES_COMMUNS for a in ("--lua-filter", str(STYLES / f))),
        "--metadata-file", str(fichier_meta),
    ]
    proc = subprocess.run(commande, cwd=livre, input=markdown, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RenduImpossible(f"HTML (page d'accueil) : Pandoc a échoué (code {proc.returncode}) :\n{proc.stderr[-4000:]}")
    return proc.stdout


def rendre_html(livre: Path, chapitres: Sequence[str], meta: Metadonnees, sortie: Path) -> Path:
    """Le livre → ``sortie/`` : une page HTML par chapitre ; ``index.html``, la page d'accueil
    (bloc de titre, puis le HTML de la page d'accueil du livre, donné au modèle en variable :
    Pandoc met tout contenu placé avant le premier titre dans une page à part)."""
    source = livre / "_livre-html.md"
    source.write_text(document_unique(livre, chapitres, avec_accueil=False), encoding="utf-8")
    fichier_meta = _ecrire_meta(livre, "_metadonnees-html.yml", meta.pandoc())
    defauts = _ecrire_meta(livre, "_defauts-html.yml", {
        "variables": {"bilan-accueil": _fragment_html(livre, accueil(livre), fichier_meta)}})
    if sortie.exists():
        shutil.rmtree(sortie)
    commande = [
        pandoc(), str(source), "-f", "markdown", "-t", "chunkedhtml", "-s",
        "--defaults", str(defauts),
        "--split-level=1", "--chunk-template=%i.html", "--toc", "--toc-depth=1",
        "--template", str(STYLES / MODELE_HTML),
        "--lua-filter", str(STYLES / FILTRE_INTEGRE),
        *(a for f in FILTRES_COMMUNS for a in ("--lua-filter", str(STYLES / f))),
        "--metadata-file", str(fichier_meta),
        *(a for f in FEUILLES_HTML for a in ("--css", f"styles/{f}")),
        "-o", str(sortie),
    ]
    _executer(commande, livre, "HTML")
    (sortie / "styles").mkdir(exist_ok=True)
    for f in FEUILLES_HTML:
        shutil.copy2(STYLES / f, sortie / "styles" / f)
    sitemap = sortie / "sitemap.json"
    if sitemap.exists():
        sitemap.unlink()  # plan du site de Pandoc : utile à un outil, pas au lecteur
    return sortie


def rendre_docx(livre: Path, chapitres: Sequence[str], meta: Metadonnees, sortie: Path) -> Path:
    """Le livre → ``sortie`` (Word), pour les relectures avec commentaires : même contenu que le
    PDF (couverture et notices comprises), table des matières, titres en styles Word."""
    source = livre / "_livre-docx.md"  # un fichier par format : ils sont rendus en même temps
    source.write_text(document_unique(livre, chapitres), encoding="utf-8")
    fichier_meta = _ecrire_meta(livre, "_metadonnees-docx.yml", {
        **meta.pandoc(), **({"date": f"{meta.libelle_depot} : {meta.depot}"} if meta.depot else {})})
    commande = [
        pandoc(), str(source), "-f", "markdown", "-t", "docx", "--toc", "--toc-depth=1",
        "--lua-filter", str(STYLES / FILTRE_INTEGRE),
        *(a for f in FILTRES_COMMUNS for a in ("--lua-filter", str(STYLES / f))),
        "--metadata-file", str(fichier_meta),
        "-o", str(sortie),
    ]
    _executer(commande, livre, "Word")
    return sortie


def rendre(livre: Path, chapitres: Sequence[str], meta: Metadonnees, sortie: Path,
           formats: Sequence[str] = ("html", "pdf", "docx")) -> list[Path]:
    """Rend le livre dans ``sortie`` : pages HTML, ``rapport.pdf`` (lié depuis l'accueil) et
    ``rapport.docx`` (version Word pour les relectures).

    Les formats sont rendus en même temps, dans deux fils d'exécution : chacun attend surtout
    un programme (Pandoc ; Typst, qui relâche le verrou de l'interpréteur pendant la
    compilation) : sur deux cœurs libres, le rendu dure autant que le plus long et non la somme
    (mesuré sur une machine de deux cœurs déjà chargée : 1,30 s au lieu de 1,41 s pour l'édition
    2024, 18,4 s au lieu de 23,6 s pour 1 000 mesures, HTML et PDF).
    Le PDF et le Word sont écrits dans le dossier du livre et rangés dans ``sortie`` une fois les
    pages HTML écrites (``rendre_html`` remplace le dossier). Une erreur est levée après la fin
    de tous ; celle du HTML d'abord, puis du PDF, puis du Word.
    """
    pandoc()  # chemin de Pandoc trouvé une fois, avant les fils
    pdf_livre, docx_livre = livre / f"{NOM_PDF}.pdf", livre / f"{NOM_PDF}.docx"
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="rendu") as fils:
        html = fils.submit(rendre_html, livre, chapitres, meta, sortie) if "html" in formats else None
        pdf = fils.submit(rendre_pdf, livre, chapitres, meta, pdf_livre) if "pdf" in formats else None
        docx = fils.submit(rendre_docx, livre, chapitres, meta, docx_livre) if "docx" in formats else None
        produits: list[Path] = [html.result()] if html is not None else []
        for futur in (pdf, docx):
            if futur is not None:
                futur.result()
    sortie.mkdir(parents=True, exist_ok=True)
    for futur, chemin in ((pdf, pdf_livre), (docx, docx_livre)):
        if futur is not None:
            produits.append(Path(shutil.move(chemin, sortie / chemin.name)))
    return produits
