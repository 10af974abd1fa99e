"""Classeur XLSX accessible des données ouvertes (``donnees/donnees.xlsx``).

Il suit le guide de l'Analysis Function du gouvernement britannique, *Releasing statistics in
spreadsheets*, et sa liste de contrôle *Making spreadsheets accessible* : couverture d'abord
(titre, ce que sont les données, date de référence, édition, source, contact, contenu), feuille
de notes, puis une table par feuille. Chaque feuille commence en A1 par son titre (style de
titre, repéré par les lecteurs d'écran), suivi de quelques phrases en colonne A, puis de la
table, marquée comme tableau Excel avec une seule ligne d'en-tête : ni cellule fusionnée, ni
ligne ou colonne vide dans une table, ni couleur porteuse de sens, nombres et dates stockés
comme tels, texte renvoyé à la ligne, notes citées « [note N] » dans les en-têtes.

Deux choix s'écartent d'une lecture rapide du guide, exprès :
- pas de volets figés ni de boutons de filtre : la liste de contrôle demande de les éviter
  (ils gênent les lecteurs d'écran et la loupe) ; Excel affiche de toute façon les en-têtes
  d'un tableau à la place des lettres de colonnes quand on descend dans la table ;
- openpyxl plutôt que gptables (bibliothèque de l'ONS, sur PyPI) : openpyxl est déjà une
  dépendance (classeurs de la collecte), tout le texte reste en français sous notre contrôle,
  et l'écriture reproductible (ci-dessous) ne dépend que de lui ; gptables passe par une
  seconde bibliothèque d'écriture (XlsxWriter).

Le classeur est identique octet pour octet d'une construction à l'autre : dates du document
et des entrées de l'archive ZIP fixées (``SOURCE_DATE_EPOCH`` s'il est donné, sinon la date de
référence de l'édition), jamais prises à l'horloge.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bilan import francais
from bilan.config import source_date_epoch
from bilan.exports import DATE, ENTIER, EXPORTS, Colonne, Export, Ligne, entete_classeur, numeros_notes
from bilan.markdown import sans_marques

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from bilan.parametres import Parametres

FEUILLE_COUVERTURE = "Couverture"
FEUILLE_NOTES = "Notes"
FORMAT_DATE = "yyyy-mm-dd"
FORMAT_DOLLARS = "#,##0"  # séparateur de milliers de la langue du tableur (espace en français)
FORMAT_ENTIER = "0"
LARGEUR_COUVERTURE = 100
HAUTEUR_LIGNE = 15  # points par ligne de texte (police par défaut, 11 points)


def _t(texte: str) -> str:
    """Typographie française d'un texte émis ici (insécables devant : ; % $, dans « »)."""
    return francais.typographie(texte, markdown=False)


def horodatage(parametres: Parametres) -> dt.datetime:
    """Date inscrite dans le classeur : ``SOURCE_DATE_EPOCH`` (secondes, convention des
    constructions reproductibles) s'il est donné, sinon minuit de la date de référence."""
    if (epoch := source_date_epoch()) is not None:
        return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime.combine(parametres.date_reference, dt.time())


# --- Feuilles ---------------------------------------------------------------------------------


def _lignes_de_texte(valeur: object, largeur: int) -> int:
    """Lignes qu'occupe une valeur renvoyée à la ligne dans une colonne de ``largeur`` caractères
    (estimation prudente : un caractère par unité de largeur)."""
    if not isinstance(valeur, str):
        return 1
    utile = max(largeur - 1, 1)
    return sum(max(1, -(-len(paragraphe) // utile)) for paragraphe in valeur.split("\n"))


def _hauteur(feuille: Worksheet, ligne: int, lignes_de_texte: int) -> None:
    """Hauteur explicite : ni Excel ni LibreOffice n'ajustent à l'ouverture une ligne écrite sans
    hauteur, et un texte renvoyé à la ligne serait coupé."""
    if lignes_de_texte > 1:
        feuille.row_dimensions[ligne].height = HAUTEUR_LIGNE * lignes_de_texte


def _mise_en_page(feuille: Worksheet, paysage: bool, entete: int | None = None) -> None:
    """Impression sur la largeur d'une page ; la ligne d'en-tête de la table répétée sur chaque page."""
    feuille.page_setup.orientation = "landscape" if paysage else "portrait"
    feuille.page_setup.fitToWidth = 1
    feuille.page_setup.fitToHeight = 0
    feuille.sheet_properties.pageSetUpPr.fitToPage = True
    if entete is not None:
        feuille.print_title_rows = f"{entete}:{entete}"


def _titre(feuille: Worksheet, ligne: int, texte: str, niveau: int = 1) -> None:
    cellule = feuille.cell(ligne, 1, texte)
    cellule.style = f"Headline {niveau}"  # styles « Titre 1 », « Titre 2 » d'Excel


def _texte(feuille: Worksheet, ligne: int, texte: str, renvoi: bool = False) -> None:
    from openpyxl.styles import Alignment

    cellule = feuille.cell(ligne, 1, texte)
    cellule.data_type = "s"  # jamais une formule, même si le texte commence par « = »
    if renvoi:
        cellule.alignment = Alignment(wrap_text=True, vertical="top")
        _hauteur(feuille, ligne, _lignes_de_texte(texte, int(feuille.column_dimensions["A"].width or LARGEUR_COUVERTURE)))


def _ecrire_table(feuille: Worksheet, premiere: int, nom: str, entetes: Sequence[str], lignes: Sequence[Sequence[object]],
                  formats: Sequence[str | None], largeurs: Sequence[int]) -> None:
    """Une table Excel dont l'en-tête est à la ligne ``premiere`` : pas de style de couleur, pas de
    boutons de filtre (colonnes déclarées ici, sans quoi openpyxl ajoute un filtre automatique)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableColumn

    haut = Alignment(wrap_text=True, vertical="top")
    for j, entete in enumerate(entetes, start=1):
        cellule = feuille.cell(premiere, j, entete)
        cellule.font = Font(name="Calibri", sz=11, family=2, scheme="minor", bold=True)  # police par défaut, en gras
        cellule.alignment = haut
        feuille.column_dimensions[get_column_letter(j)].width = largeurs[j - 1]
    _hauteur(feuille, premiere, max(_lignes_de_texte(e, l) for e, l in zip(entetes, largeurs)))
    for i, valeurs in enumerate(lignes, start=premiere + 1):
        _hauteur(feuille, i, max(_lignes_de_texte(v, l) for v, l in zip(valeurs, largeurs)))
        for j, valeur in enumerate(valeurs, start=1):
            if valeur is None:
                continue
            cellule = feuille.cell(i, j, valeur)
            if isinstance(valeur, str):
                cellule.data_type = "s"
            cellule.alignment = haut
            if formats[j - 1]:
                cellule.number_format = formats[j - 1]
    fin = f"{get_column_letter(len(entetes))}{premiere + max(len(lignes), 1)}"
    table = Table(displayName=nom, ref=f"A{premiere}:{fin}", tableStyleInfo=None)
    for j, entete in enumerate(entetes, start=1):
        table.tableColumns.append(TableColumn(id=j, name=entete))
    feuille.add_table(table)
    _mise_en_page(feuille, paysage=len(entetes) > 3, entete=premiere)


def _format(colonne: Colonne) -> str | None:
    if colonne.type == DATE:
        return FORMAT_DATE
    if colonne.type == ENTIER:
        return FORMAT_DOLLARS if colonne.en_dollars else FORMAT_ENTIER
    return None


def _feuille_table(classeur: Workbook, export: Export, lignes: Sequence[Ligne], date: str) -> None:
    """Titre, phrase sur la table, notes, cellules vides et source en colonne A, puis la table."""
    f = classeur.create_sheet(export.feuille)
    _titre(f, 1, _t(export.titre.format(date=date)))
    phrases = [f"Cette feuille contient un tableau de {len(lignes)} lignes : {export.lignes}."]
    if any(c.notes for c in export.colonnes):
        phrases.append("Des notes accompagnent ce tableau : leurs marques [note N] figurent dans les en-têtes, "
                       f"leur texte dans la feuille {FEUILLE_NOTES}.")
    vides: dict[str, list[str]] = {}
    for c in export.colonnes:
        if c.vide and any(ligne[c.nom] is None for ligne in lignes):
            vides.setdefault(c.vide, []).append(f"« {c.entete} »")
    for sens, entetes in vides.items():
        quoi = f"la colonne {entetes[0]}" if len(entetes) == 1 else f"les colonnes {francais.liste(entetes)}"
        phrases.append(f"Cellule vide dans {quoi} : {sens}.")
    phrases.append("Source : fichiers de data/ du projet bilan, colonne par colonne dans la feuille Dictionnaire ; "
                   f"le même tableau est publié en CSV (UTF-8) : {export.fichier}.")
    for i, phrase in enumerate(phrases, start=2):
        _texte(f, i, _t(phrase))
    _ecrire_table(f, len(phrases) + 2, export.table, [entete_classeur(c) for c in export.colonnes],
                  [[ligne[c.nom] for c in export.colonnes] for ligne in lignes],
                  [_format(c) for c in export.colonnes], [c.largeur for c in export.colonnes])


def _feuille_notes(classeur: Workbook, notes: Sequence[tuple[int, str]]) -> None:
    f = classeur.create_sheet(FEUILLE_NOTES)
    _titre(f, 1, "Notes")
    _texte(f, 2, _t("Cette feuille contient un tableau : une ligne par note. Les autres feuilles citent une note "
                    "par sa marque [note N] dans l'en-tête de la colonne concernée."))
    numeros = numeros_notes()
    ou: dict[int, list[str]] = {n: [] for n, _ in notes}
    for export in EXPORTS:
        for c in export.colonnes:
            for cle in c.notes:
                ou[numeros[cle]].append(f"{export.feuille} : {c.entete}")
    _ecrire_table(f, 3, "Notes", ["Note", "Texte de la note", "Colonnes concernées"],
                  [[f"[note {n}]", texte, _t(" ; ".join(ou[n]))] for n, texte in notes],
                  [None, None, None], [10, 90, 40])


def _couverture(classeur: Workbook, parametres: Parametres, contenus: Sequence[tuple[Export, Sequence[Ligne]]]) -> str:
    """Feuille de couverture, en colonne A seulement ; renvoie le titre du classeur."""
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.hyperlink import Hyperlink

    p = parametres
    f = classeur.active
    f.title = FEUILLE_COUVERTURE
    f.column_dimensions["A"].width = LARGEUR_COUVERTURE
    _mise_en_page(f, paysage=False)
    titre = _t(f"{sans_marques(p['rapport']['titre'])} du {p['plan']['sigle']} : données ouvertes (édition {p.edition})")
    date = francais.date_longue(p.date_reference)
    nombres = {export.fichier: len(lignes) for export, lignes in contenus}
    ligne = iter(range(1, 1000))

    _titre(f, next(ligne), titre)
    _texte(f, next(ligne), _t(f"{sans_marques(p['plan']['titre'])} : {sans_marques(p['plan']['sous_titre'])}"), renvoi=True)
    if p.brouillon:
        _texte(f, next(ligne), _t("VERSION DE TRAVAIL : édition en préparation, certaines valeurs des paramètres "
                                  "restent « À PRÉCISER »."), renvoi=True)

    def section(intitule: str, *textes: str) -> None:
        _titre(f, next(ligne), intitule, niveau=2)
        for texte in textes:
            _texte(f, next(ligne), _t(texte), renvoi=True)

    fichiers = francais.liste([export.fichier for export in EXPORTS])
    section("À propos de ces données",
            f"La mise en œuvre des {nombres['mesures.csv']} mesures et des {nombres['livrables.csv']} livrables du plan "
            f"d'action au {date} : statut, organisations porteuses et collaboratrices, budget attribué, liens avec les "
            "recommandations de la Commission, et nombres par catégorie de statut. Ce sont les valeurs du rapport, "
            "calculées des mêmes données.",
            f"Les mêmes tableaux sont publiés en CSV (UTF-8) dans le même dossier : {fichiers}. Chaque colonne est "
            "décrite dans la feuille Dictionnaire ; les notes sont dans la feuille Notes.")
    _titre(f, next(ligne), "Date de référence", niveau=2)
    _texte(f, next(ligne), _t(f"État des mesures et des livrables au {date} :"))
    cellule = f.cell(next(ligne), 1, p.date_reference)
    cellule.number_format = FORMAT_DATE
    cellule.alignment = Alignment(horizontal="left")
    depot = (f"déposé à l'Assemblée nationale en {francais.mois_annee(p.mois_depot)}" if p.mois_depot is not None
             else f"mois de dépôt à l'Assemblée nationale : {p['mois_depot']}")
    section("Édition", f"Édition {p.edition} : {sans_marques(p['rapport']['titre'])}, {depot}.")
    section("Source",
            "Les faits du plan tenus dans le dossier data/ du projet bilan et décrits dans data/README.md ; chaque "
            "statut y est un événement daté qui cite sa source.",
            f"Rapport : {sans_marques(p['citation'])}")
    e = p["editeur"]
    section("Contact", f"{e['ministere']} : {e['courriel']} ; téléphone : {e['telephone']} ; sans frais : {e['sans_frais']}.")

    _titre(f, next(ligne), "Contenu du classeur", niveau=2)
    descriptions = [(FEUILLE_NOTES, "notes des tableaux, citées « [note N] » dans les en-têtes")]
    descriptions += [(export.feuille, export.titre.format(date=date)) for export in EXPORTS]
    for feuille, description in descriptions:
        rang = next(ligne)
        _texte(f, rang, _t(f"Feuille {feuille} – {description}"))
        f.cell(rang, 1).hyperlink = Hyperlink(ref=f"A{rang}", location=f"'{feuille}'!A1")
        f.cell(rang, 1).style = "Hyperlink"
    return titre


# --- Écriture reproductible ---------------------------------------------------------------------


def _archive_reproductible(brut: bytes, quand: dt.datetime) -> bytes:
    """Même archive, entrées dans le même ordre, mais datées de ``quand`` (le module zipfile date
    chaque entrée de l'heure courante)."""
    quand = max(quand, dt.datetime(1980, 1, 1))  # plus petite date d'une entrée ZIP
    sortie = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(brut)) as source, zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as cible:
        for info in source.infolist():
            entree = zipfile.ZipInfo(info.filename, date_time=quand.timetuple()[:6])
            entree.compress_type = zipfile.ZIP_DEFLATED
            entree.create_system = 3  # Unix, quel que soit le système qui construit
            entree.external_attr = 0o644 << 16
            cible.writestr(entree, source.read(info.filename))
    return sortie.getvalue()


def classeur(contenus: Sequence[tuple[Export, Sequence[Ligne]]], notes: Sequence[tuple[int, str]],
             parametres: Parametres) -> Workbook:
    """Le classeur en mémoire : Couverture, Notes, puis une feuille par fichier de ``EXPORTS``."""
    from openpyxl import Workbook

    c = Workbook()
    titre = _couverture(c, parametres, contenus)
    _feuille_notes(c, notes)
    date = francais.date_longue(parametres.date_reference)
    for export, lignes in contenus:
        _feuille_table(c, export, lignes, date)
    c.active = 0  # s'ouvre sur la couverture, curseur en A1
    quand = horodatage(parametres)
    c.properties.title = titre
    c.properties.subject = _t(f"Mise en œuvre du {parametres['plan']['sigle']} au {date}")
    c.properties.creator = parametres["editeur"]["ministere"]
    c.properties.language = "fr-CA"
    c.properties.keywords = "données ouvertes; mesures; livrables; statuts; budgets"
    c.properties.created = quand
    c.properties.modified = quand
    c.properties.lastModifiedBy = None
    return c


def ecrire_classeur(chemin: Path, contenus: Sequence[tuple[Export, Sequence[Ligne]]], notes: Sequence[tuple[int, str]],
                    parametres: Parametres) -> Path:
    """Écrit ``chemin`` ; deux écritures des mêmes données donnent les mêmes octets."""
    from openpyxl.writer.excel import ExcelWriter

    c = classeur(contenus, notes, parametres)
    tampon = io.BytesIO()
    # ExcelWriter et non Workbook.save, qui date la modification de l'heure courante.
    ExcelWriter(c, zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    chemin.write_bytes(_archive_reproductible(tampon.getvalue(), horodatage(parametres)))
    return chemin
