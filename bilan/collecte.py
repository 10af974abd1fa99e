"""Collecte des statuts auprès des porteurs : un classeur XLSX par organisation, puis import contrôlé.

Les nouveaux statuts d'une édition viennent des organisations qui portent les mesures, par
tableur. ``preparer`` écrit pour chaque porteur un classeur où tout ce qui est connu est
verrouillé (identifiant, intitulé, dernier statut connu et sa date) et où seules trois colonnes
se remplissent : nouveau statut (liste déroulante tirée de ``data/statuts.csv``), sa date et une
mise à jour en texte libre pour les rédacteurs. ``importer`` relit les classeurs retournés,
signale **tous** les problèmes d'un coup, dans le style de ``valider`` (fichier, feuille, ligne,
colonne, valeur, règle), valide l'ensemble des données avec les nouveaux événements, et
n'écrit rien au moindre problème ; sinon il ajoute les événements datés aux fichiers de
statuts (remplacement atomique) et écrit un fichier de relecture par mesure pour les rédacteurs.

Le « dernier statut connu » d'un classeur est l'état **avant la collecte** : le dernier
événement au plus tard à la date de référence, sans ceux que la collecte de cette édition a
déjà importés. Un classeur préparé reste ainsi comparable à lui-même après un import, et
l'importer une seconde fois ne change rien.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import pandas as pd

from bilan import francais
from bilan.config import CONSTRUCTION, DONNEES
from bilan.donnees import Plan, charger_plan, lire_fichier, verifier
from bilan.markdown import sans_marques
from bilan.parametres import Parametres, lire_parametres
from bilan.synthese import statuts_livrables, statuts_mesures
from bilan.validation import ERREUR

FEUILLE_INSTRUCTIONS = "Instructions"
FEUILLE_STATUTS = "Statuts"
# Libellés de la colonne A de la feuille d'instructions qui identifient le classeur.
ETIQUETTE_ORGANISATION = "Organisation porteuse"
ETIQUETTE_EDITION = "Édition"
ETIQUETTE_DATE = "Date de référence"
MESURE, LIVRABLE = "mesure", "livrable"
FICHIERS_STATUTS = {MESURE: "statuts_mesures.csv", LIVRABLE: "statuts_livrables.csv"}


@dataclass(frozen=True)
class Colonne:
    cle: str
    entete: str
    largeur: int
    saisie: bool  # colonne à remplir (cellules déverrouillées)


COLONNES: tuple[Colonne, ...] = (
    Colonne("cle", "Clé (ne pas modifier)", 14, False),
    Colonne("objet", "Objet", 10, False),
    Colonne("mesure", "Mesure", 9, False),
    Colonne("livrable", "Livrable n°", 10, False),
    Colonne("intitule", "Intitulé", 60, False),
    Colonne("coporteurs", "Autres porteurs", 14, False),
    Colonne("statut_connu", "Dernier statut connu", 20, False),
    Colonne("date_connue", "Date du dernier statut", 13, False),
    Colonne("statut", "Nouveau statut", 22, True),
    Colonne("date", "Date du nouveau statut (AAAA-MM-JJ)", 16, True),
    Colonne("recit", "Mise à jour pour le rapport (texte libre)", 70, True),
)
_INDEX = {c.cle: i for i, c in enumerate(COLONNES)}


def _lettre(cle: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(_INDEX[cle] + 1)


# --- Ce que contient un classeur -------------------------------------------------------------


@dataclass(frozen=True)
class Ligne:
    """Une ligne préparée : une mesure portée par l'organisation, ou un livrable d'une telle mesure."""

    objet: str
    mesure: str
    ordre: int | None
    intitule: str
    coporteurs: str
    statut_connu: str
    date_connue: str

    @property
    def cle(self) -> str:
        return f"{MESURE}:{self.mesure}" if self.objet == MESURE else f"{LIVRABLE}:{self.mesure}:{self.ordre}"

    @property
    def designation(self) -> str:
        return f"mesure {self.mesure}" if self.objet == MESURE else f"livrable {self.mesure}-{self.ordre}"

    def verrouillees(self) -> dict[str, str]:
        """Le texte de chaque cellule verrouillée, tel que ``preparer`` l'écrit et qu'``importer`` le relit."""
        return {
            "cle": self.cle,
            "objet": "Mesure" if self.objet == MESURE else "Livrable",
            "mesure": self.mesure,
            "livrable": "" if self.ordre is None else str(self.ordre),
            "intitule": self.intitule,
            "coporteurs": self.coporteurs,
            "statut_connu": self.statut_connu,
            "date_connue": self.date_connue,
        }


def source_collecte(edition: str, organisations: Sequence[str]) -> str:
    """Colonne ``source`` d'un statut collecté : « collecte 2026 – MSP » (plusieurs porteurs : « MSP, SCF »)."""
    return f"collecte {edition} – {', '.join(organisations)}"


def _de_la_collecte(edition: str) -> Callable[[str], bool]:
    prefixe = f"collecte {edition} – "
    return lambda source: str(source).startswith(prefixe)


def avant_collecte(plan: Plan, edition: str) -> Plan:
    """Le plan sans les événements déjà importés par la collecte de cette édition."""
    dehors = _de_la_collecte(edition)
    return dataclasses.replace(
        plan,
        statuts_mesures=plan.statuts_mesures[~plan.statuts_mesures["source"].map(dehors)],
        statuts_livrables=plan.statuts_livrables[~plan.statuts_livrables["source"].map(dehors)],
    )


def porteurs(plan: Plan) -> dict[str, list[str]]:
    """Les porteurs de chaque mesure, dans l'ordre imprimé sur la fiche."""
    table = plan.mesures_organisations[plan.mesures_organisations["role"] == "porteur"].sort_values("ordre")
    resultat: dict[str, list[str]] = {}
    for _, r in table.iterrows():
        resultat.setdefault(r["mesure"], []).append(r["organisation"])
    return resultat


def organisations_porteuses(plan: Plan) -> list[str]:
    """Les organisations qui portent au moins une mesure, par ordre alphabétique."""
    return sorted({o for orgs in porteurs(plan).values() for o in orgs})


def _date_texte(valeur: object) -> str:
    return "" if valeur is None or pd.isna(valeur) else valeur.isoformat()


def lignes_attendues(plan: Plan, params: Parametres, organisation: str) -> list[Ligne]:
    """Les lignes du classeur d'une organisation : chaque mesure qu'elle porte, suivie de ses livrables."""
    par_mesure = porteurs(plan)
    avant = avant_collecte(plan, params.edition)
    sm = statuts_mesures(avant, params.date_reference).set_index("mesure")
    sl = statuts_livrables(avant, params.date_reference).set_index(["mesure", "ordre"])
    lignes: list[Ligne] = []
    for _, m in plan.mesures.sort_values("ordre").iterrows():
        if organisation not in par_mesure.get(m["mesure"], []):
            continue
        autres = ", ".join(o for o in par_mesure[m["mesure"]] if o != organisation)
        s = sm.loc[m["mesure"]]
        lignes.append(Ligne(MESURE, m["mesure"], None, sans_marques(m["titre"]), autres, s["statut"], _date_texte(s["date"])))
        for _, liv in plan.livrables[plan.livrables["mesure"] == m["mesure"]].sort_values("ordre").iterrows():
            s = sl.loc[(m["mesure"], liv["ordre"])]
            lignes.append(Ligne(LIVRABLE, m["mesure"], int(liv["ordre"]), sans_marques(liv["livrable"]), autres,
                                s["statut"], _date_texte(s["date"])))
    return lignes


def vocabulaire(plan: Plan, objet: str) -> list[str]:
    """Les statuts permis pour un objet, dans l'ordre de ``data/statuts.csv``."""
    v = plan.statuts[plan.statuts["objet"] == objet].sort_values("ordre")
    return v["statut"].tolist()


def dossier_collecte(params: Parametres) -> Path:
    """``_build/<édition>/collecte/`` : classeurs préparés et fichiers de relecture (jamais versionnés)."""
    return CONSTRUCTION / params.edition / "collecte"


def nom_classeur(edition: str, organisation: str) -> str:
    """``collecte-2026-MSP.xlsx`` ; le sigle est réduit aux lettres et chiffres ASCII pour le nom de fichier."""
    ascii_ = unicodedata.normalize("NFKD", organisation).encode("ascii", "ignore").decode()
    return f"collecte-{edition}-{re.sub(r'[^A-Za-z0-9]+', '-', ascii_).strip('-')}.xlsx"


def _params(parametres: Parametres | str | Path) -> Parametres:
    return parametres if isinstance(parametres, Parametres) else lire_parametres(parametres)


# --- Préparer ---------------------------------------------------------------------------------


class CollecteImpossible(Exception):
    """La collecte ne peut pas être préparée (fichier déjà présent, organisation inconnue…)."""


def preparer(
    parametres: Parametres | str | Path,
    donnees: Path = DONNEES,
    dossier: Path | None = None,
    organisations: Iterable[str] | None = None,
    remplacer: bool = False,
) -> list[Path]:
    """Écrit un classeur par organisation porteuse ; refuse de remplacer un classeur existant sauf ``remplacer``.

    Refuser par défaut protège un classeur déjà rempli qu'on aurait rangé au même endroit.
    """
    params = _params(parametres)
    plan = charger_plan(Path(donnees))
    dossier = Path(dossier) if dossier is not None else dossier_collecte(params)
    toutes = organisations_porteuses(plan)
    choisies = toutes if organisations is None else list(organisations)
    inconnues = [o for o in choisies if o not in toutes]
    if inconnues:
        raise CollecteImpossible(f"organisation(s) sans mesure portée dans data/mesures_organisations.csv : {', '.join(inconnues)}"
                                 f" (porteurs : {', '.join(toutes)})")
    cibles = {o: dossier / nom_classeur(params.edition, o) for o in choisies}
    presents = [str(c) for c in cibles.values() if c.exists()]
    if presents and not remplacer:
        raise CollecteImpossible(f"classeur(s) déjà présent(s), rien n'est écrit : {', '.join(presents)}"
                                 " (un classeur rempli serait perdu ; le déplacer, ou demander le remplacement : --remplacer)")
    dossier.mkdir(parents=True, exist_ok=True)
    for organisation, cible in cibles.items():
        classeur = _classeur(plan, params, organisation)
        with tempfile.NamedTemporaryFile(dir=dossier, prefix=f".{cible.name}.", suffix=".tmp", delete=False) as f:
            temporaire = Path(f.name)
        try:
            classeur.save(temporaire)
            os.replace(temporaire, cible)
        finally:
            temporaire.unlink(missing_ok=True)
    return list(cibles.values())


def _nom_complet(plan: Plan, organisation: str) -> str:
    lignes = plan.organisations[plan.organisations["organisation"] == organisation]
    nom = lignes["nom"].iloc[0] if len(lignes) else ""
    return f"{organisation} – {nom}" if nom and nom != organisation else organisation


def _classeur(plan: Plan, params: Parametres, organisation: str):
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    classeur = Workbook()
    instructions = classeur.active
    instructions.title = FEUILLE_INSTRUCTIONS
    lignes = lignes_attendues(plan, params, organisation)
    plages = _feuille_instructions(instructions, plan, params, organisation, lignes)
    _feuille_statuts(classeur.create_sheet(FEUILLE_STATUTS), plan, params, lignes, plages)
    classeur.active = 1
    classeur.security = WorkbookProtection(lockStructure=True)  # ni feuille ajoutée, ni supprimée, ni renommée
    classeur.properties.title = f"Collecte des statuts {params.edition} – {organisation}"
    classeur.properties.creator = params["editeur"]["ministere"]
    return classeur


def _proteger(feuille) -> None:
    """Protège la feuille sans mot de passe (garde-fou contre les fausses manœuvres, pas un secret).

    Redimensionner lignes et colonnes reste permis ; l'import compare de toute façon chaque
    cellule verrouillée à ce qui a été préparé.
    """
    feuille.protection.sheet = True
    feuille.protection.formatColumns = False
    feuille.protection.formatRows = False


def _feuille_instructions(f, plan: Plan, params: Parametres, organisation: str, lignes: list[Ligne]) -> dict[str, str]:
    """Remplit la feuille d'instructions ; renvoie les plages des statuts permis, pour les listes déroulantes."""
    from openpyxl.styles import Alignment, Font

    date = francais.date_longue(params.date_reference)
    nb_mesures = sum(1 for l in lignes if l.objet == MESURE)
    e = params["editeur"]
    haut = Alignment(wrap_text=True, vertical="top")
    gras = Font(bold=True)

    suivant = iter(range(1, 1000))

    def ecrire(*valeurs: str, style: Font | None = None, etiquette: bool = False) -> int:
        """Écrit la ligne suivante (une ligne vide compte aussi) ; ``etiquette`` : colonne A en gras."""
        rang = next(suivant)
        for j, valeur in enumerate(valeurs, start=1):
            cellule = f.cell(rang, j, valeur)
            cellule.alignment = haut
            if style is not None or (etiquette and j == 1):
                cellule.font = style or gras
        return rang

    ecrire(f"Collecte des statuts – {params['plan']['titre']} ({params['plan']['sigle']})", style=Font(bold=True, size=14))
    ecrire(f"{params['rapport']['titre']} : état au {date}")
    for rang in (1, 2):
        f.cell(rang, 1).alignment = Alignment(wrap_text=False)  # le titre déborde sur les cellules vides voisines
    ecrire()
    ecrire(ETIQUETTE_ORGANISATION, organisation, _nom_complet(plan, organisation), etiquette=True)
    ecrire(ETIQUETTE_EDITION, params.edition, etiquette=True)
    ecrire(ETIQUETTE_DATE, params.date_reference.isoformat(), etiquette=True)
    ecrire("Lignes à examiner", f"{nb_mesures} mesure(s) et {len(lignes) - nb_mesures} livrable(s)", etiquette=True)
    ecrire()
    ecrire("Que remplir ?", style=gras)
    consignes = [
        f"La feuille « {FEUILLE_STATUTS} » compte une ligne par mesure dont {organisation} est porteur et, sous chacune, "
        "une ligne par livrable de cette mesure. Les colonnes grises sont verrouillées : ne pas les modifier, ne pas "
        "ajouter, supprimer ni trier de lignes.",
        f"« Nouveau statut » : choisir dans la liste le statut au {date}. Les statuts d'une mesure et ceux d'un "
        "livrable diffèrent (liste ci-dessous).",
        f"« Date du nouveau statut » : date à laquelle ce statut a été atteint ou constaté, au format AAAA-MM-JJ "
        f"(ex. {params.date_reference.isoformat()}). Obligatoire dès qu'un statut est choisi ; au plus tard le {date} ; "
        "jamais avant la date du dernier statut connu.",
        "« Mise à jour pour le rapport » : quelques phrases sur ce qui a été fait depuis le dernier rapport (faits, "
        "dates, chiffres). Elles sont relues par les rédacteurs du rapport, pas publiées telles quelles.",
        "Une ligne laissée vide (ni statut, ni date, ni texte) signifie « rien de nouveau » : le dernier statut connu "
        "reste valable.",
        "Une mesure « Réalisée » dont des livrables ne sont pas réalisés doit être justifiée : l'expliquer dans la "
        "mise à jour (le rapport imprime alors une note).",
        "Mesure portée avec d'autres organisations (colonne « Autres porteurs ») : s'entendre avec elles ; chaque "
        "classeur doit donner le même statut et la même date.",
    ]
    for i, consigne in enumerate(consignes, start=1):
        ecrire(f"{i}.", consigne)
    ecrire()
    ecrire("Statuts permis", "Statut", "Compté dans", style=gras)
    plages: dict[str, str] = {}
    for objet, libelle in ((MESURE, "Mesure"), (LIVRABLE, "Livrable")):
        vocab = plan.statuts[plan.statuts["objet"] == objet].sort_values("ordre")
        rangs = [ecrire(libelle, s["statut"], s["libelle_categorie"]) for _, s in vocab.iterrows()]
        plages[objet] = f"'{FEUILLE_INSTRUCTIONS}'!$B${rangs[0]}:$B${rangs[-1]}"
    ecrire()
    ecrire("Retourner le classeur rempli à", style=gras)
    adresse = e["adresse"] if e["adresse"][0] == e["ministere"] else [e["ministere"], *e["adresse"]]
    for ligne in adresse:
        ecrire("", ligne.replace("^", ""))  # « 10^e^ étage » : exposant Markdown, sans objet dans un tableur
    ecrire("Courriel", e["courriel"], etiquette=True)
    dernier = ecrire("Téléphone", e["telephone"], etiquette=True)
    largeurs = {"A": 24, "B": 80, "C": 34}
    for lettre, largeur in largeurs.items():
        f.column_dimensions[lettre].width = largeur
    for rang in range(3, dernier + 1):
        f.row_dimensions[rang].height = _hauteur([(_texte(f.cell(rang, j).value), largeurs[l]) for j, l in enumerate(largeurs, start=1)])
    f.page_setup.fitToWidth = 1
    f.page_setup.fitToHeight = 0
    f.sheet_properties.pageSetUpPr.fitToPage = True
    _proteger(f)
    return plages


def _hauteur(textes: Sequence[tuple[str, int]]) -> float:
    """Hauteur de ligne (points) qui montre tout le texte replié : les tableurs ne la recalculent pas à l'ouverture."""
    lignes = max(max(1, -(-len(t) // max(1, largeur - 2))) for t, largeur in textes)
    return 15.0 * lignes


def _feuille_statuts(f, plan: Plan, params: Parametres, lignes: list[Ligne], plages: dict[str, str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils.datetime import to_excel
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    gris = PatternFill("solid", fgColor="EDEDED")
    jaune = PatternFill("solid", fgColor="FFF2CC")
    entete = PatternFill("solid", fgColor="D9D9D9")
    haut = Alignment(wrap_text=True, vertical="top")
    f.append([c.entete for c in COLONNES])
    for cellule in f[1]:
        cellule.font = Font(bold=True)
        cellule.fill = entete
        cellule.alignment = Alignment(wrap_text=True, vertical="center")
    f.row_dimensions[1].height = 45

    classeur = f.parent
    for objet, plage in plages.items():
        classeur.defined_names[f"statuts_{objet}"] = DefinedName(f"statuts_{objet}", attr_text=plage)
    listes = {
        objet: DataValidation(
            type="list", formula1=f"statuts_{objet}", allow_blank=True, showErrorMessage=True,
            errorTitle="Statut inconnu", error=f"Choisir un statut de {objet} dans la liste (feuille « {FEUILLE_INSTRUCTIONS} »).",
            showInputMessage=True, promptTitle="Nouveau statut",
            prompt=f"Statut {'de la mesure' if objet == MESURE else 'du livrable'} au {francais.date_longue(params.date_reference)}",
        )
        for objet in (MESURE, LIVRABLE)
    }
    borne = to_excel(dt.datetime.combine(params.date_reference, dt.time()))
    dates = DataValidation(
        type="date", operator="lessThanOrEqual", formula1=str(int(borne)), allow_blank=True, showErrorMessage=True,
        errorTitle="Date refusée", error=f"Une date au format AAAA-MM-JJ, au plus tard le {params.date_reference.isoformat()}.",
    )
    for validation in (*listes.values(), dates):
        f.add_data_validation(validation)

    for ligne in lignes:
        valeurs: dict[str, object] = dict(ligne.verrouillees())
        valeurs["livrable"] = ligne.ordre  # un nombre (pas du texte) : le tableur ne le signale pas ; relu « 2 »
        f.append([valeurs.get(c.cle, None) for c in COLONNES])
        rang = f.max_row
        for c, cellule in zip(COLONNES, f[rang]):
            cellule.alignment = haut
            if c.saisie:
                cellule.protection = Protection(locked=False)
                cellule.fill = jaune
            else:
                cellule.fill = gris
            if ligne.objet == MESURE:
                cellule.font = Font(bold=True)
        f.cell(rang, _INDEX["date"] + 1).number_format = "yyyy-mm-dd"
        for centree in ("mesure", "livrable"):
            f.cell(rang, _INDEX[centree] + 1).alignment = Alignment(horizontal="center", vertical="top")
        listes[ligne.objet].add(f"{_lettre('statut')}{rang}")
        dates.add(f"{_lettre('date')}{rang}")
        f.row_dimensions[rang].height = _hauteur([(ligne.intitule, COLONNES[_INDEX["intitule"]].largeur)])

    for c in COLONNES:
        f.column_dimensions[_lettre(c.cle)].width = c.largeur
    f.column_dimensions[_lettre("cle")].hidden = True  # la clé sert à l'import ; protégée, elle ne se modifie pas
    f.freeze_panes = "A2"
    f.print_title_rows = "1:1"
    f.page_setup.orientation = "landscape"
    f.page_setup.fitToWidth = 1
    f.page_setup.fitToHeight = 0
    f.sheet_properties.pageSetUpPr.fitToPage = True
    _proteger(f)


# --- Importer ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probleme:
    """Un problème d'un classeur retourné, situé comme les constats de ``valider``."""

    fichier: str
    feuille: str | None
    ligne: int | None
    colonne: str | None
    valeur: str | None
    regle: str

    def __str__(self) -> str:
        morceaux = [self.fichier]
        if self.feuille:
            morceaux.append(f"feuille « {self.feuille} »")
        if self.ligne is not None:
            morceaux.append(f"ligne {self.ligne}")
        if self.colonne:
            morceaux.append(f"colonne « {COLONNES[_INDEX[self.colonne]].entete} » ({_lettre(self.colonne)})"
                            if self.feuille == FEUILLE_STATUTS and self.colonne in _INDEX else f"colonne « {self.colonne} »")
        if self.valeur is not None:
            morceaux.append(f"valeur « {self.valeur} »")
        return f"ERREUR – {', '.join(morceaux)} : {self.regle}"


class CollecteInvalide(Exception):
    """Levée quand un classeur ou les données qui en résulteraient sont invalides ; rien n'a été écrit."""

    def __init__(self, problemes: Sequence[object]):
        self.problemes = list(problemes)
        super().__init__(f"{len(self.problemes)} problème(s), aucun fichier écrit :\n" + "\n".join(str(p) for p in self.problemes))


@dataclass(frozen=True)
class Saisie:
    """Ce qu'une ligne d'un classeur retourné apporte : un statut daté, une mise à jour, ou les deux."""

    ligne: Ligne
    organisation: str
    fichier: str
    rang: int
    statut: str
    date: dt.date | None
    recit: str


@dataclass(frozen=True)
class Changement:
    """Un événement ajouté (ou déjà présent) : objet, statut précédent et nouveau."""

    ligne: Ligne
    avant: str
    date_avant: str
    statut: str
    date: dt.date
    organisations: tuple[str, ...]

    def __str__(self) -> str:
        avant = f"{self.avant} ({self.date_avant})" if self.date_avant else self.avant
        return f"{self.ligne.designation} : {avant} → {self.statut} ({self.date.isoformat()}) [{', '.join(self.organisations)}]"


@dataclass(frozen=True)
class Bilan:
    """Résultat d'un import réussi."""

    ajoutes: tuple[Changement, ...]
    deja_enregistres: tuple[Changement, ...]
    donnees_ecrites: tuple[Path, ...]  # fichiers de statuts complétés (aucun si rien de nouveau)
    recits: tuple[Path, ...]  # fichiers de relecture écrits ou mis à jour
    classeurs: tuple[tuple[str, str, int], ...]  # (fichier, organisation, lignes remplies)


def _texte(valeur: object) -> str:
    """Une cellule en texte comparable : vide pour None, « 3 » pour 3.0, dates ISO."""
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return str(valeur)
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    if isinstance(valeur, dt.datetime):
        return valeur.date().isoformat() if valeur.time() == dt.time() else valeur.isoformat(sep=" ")
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    return str(valeur).strip()


def _lire_date(valeur: object) -> dt.date:
    """Une date de tableur (cellule date) ou un texte AAAA-MM-JJ ; ValueError sinon."""
    if isinstance(valeur, dt.datetime):
        if valeur.time() != dt.time():
            raise ValueError("heure inattendue")
        return valeur.date()
    if isinstance(valeur, dt.date):
        return valeur
    if isinstance(valeur, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", valeur.strip()):
        return dt.date.fromisoformat(valeur.strip())
    raise ValueError("format")


def _identite(classeur, fichier: str) -> tuple[dict[str, str], list[Probleme]]:
    if FEUILLE_INSTRUCTIONS not in classeur.sheetnames:
        return {}, [Probleme(fichier, FEUILLE_INSTRUCTIONS, None, None, None,
                             "feuille absente : utiliser un classeur préparé par « collecte preparer », feuilles intactes")]
    trouve: dict[str, str] = {}
    for rang in classeur[FEUILLE_INSTRUCTIONS].iter_rows(min_col=1, max_col=2, values_only=True):
        etiquette = _texte(rang[0])
        if etiquette in (ETIQUETTE_ORGANISATION, ETIQUETTE_EDITION) and etiquette not in trouve:
            trouve[etiquette] = _texte(rang[1])
    manquantes = [e for e in (ETIQUETTE_ORGANISATION, ETIQUETTE_EDITION) if not trouve.get(e)]
    if manquantes:
        return trouve, [Probleme(fichier, FEUILLE_INSTRUCTIONS, None, None, None,
                                 f"identification du classeur illisible ({', '.join(manquantes)} introuvable en colonne A)")]
    return trouve, []


def _lire_classeur(chemin: Path, plan: Plan, params: Parametres,
                   porteuses: list[str]) -> tuple[str | None, list[Saisie], list[Probleme]]:
    """Relit un classeur retourné ; renvoie son organisation, ses saisies et tous ses problèmes."""
    from openpyxl import load_workbook

    fichier = str(chemin)
    if not chemin.is_file():
        return None, [], [Probleme(fichier, None, None, None, None, "fichier introuvable")]
    try:
        classeur = load_workbook(chemin)
    except Exception as err:  # noqa: BLE001 — openpyxl lève des erreurs variées (zip, XML, clé) pour un fichier abîmé
        return None, [], [Probleme(fichier, None, None, None, None,
                                   f"fichier illisible : ce n'est pas un classeur XLSX intact ({type(err).__name__} : {err})")]
    identite, problemes = _identite(classeur, fichier)
    if problemes:
        return None, [], problemes
    organisation = identite[ETIQUETTE_ORGANISATION]
    if identite[ETIQUETTE_EDITION] != params.edition:
        problemes.append(Probleme(fichier, FEUILLE_INSTRUCTIONS, None, ETIQUETTE_EDITION, identite[ETIQUETTE_EDITION],
                                  f"classeur d'une autre édition : {params.edition} attendue"))
    if organisation not in porteuses:
        problemes.append(Probleme(fichier, FEUILLE_INSTRUCTIONS, None, ETIQUETTE_ORGANISATION, organisation,
                                  f"organisation sans mesure portée dans data/mesures_organisations.csv (porteurs : {', '.join(porteuses)})"))
    if FEUILLE_STATUTS not in classeur.sheetnames:
        problemes.append(Probleme(fichier, FEUILLE_STATUTS, None, None, None, "feuille absente (renommée ou supprimée ?)"))
    if problemes:
        return organisation, [], problemes

    f = classeur[FEUILLE_STATUTS]
    feuille = FEUILLE_STATUTS
    attendues = {l.cle: l for l in lignes_attendues(plan, params, organisation)}
    par_mesure = porteurs(plan)
    vocab = {MESURE: vocabulaire(plan, MESURE), LIVRABLE: vocabulaire(plan, LIVRABLE)}
    for i, c in enumerate(COLONNES):
        lu = _texte(f.cell(1, i + 1).value)
        if lu != c.entete:
            problemes.append(Probleme(fichier, feuille, 1, c.cle, lu, f"en-tête modifié : « {c.entete} » attendu"))

    vues: dict[str, int] = {}
    saisies: list[Saisie] = []
    largeur = len(COLONNES)
    for rang, cellules in enumerate(f.iter_rows(min_row=2, max_col=max(largeur, f.max_column), values_only=True), start=2):
        textes = [_texte(v) for v in cellules]
        if not any(textes):
            continue
        for j in range(largeur, len(textes)):
            if textes[j]:
                problemes.append(Probleme(fichier, feuille, rang, None, textes[j],
                                          f"cellule hors du tableau (colonne {j + 1}) : rien ne s'écrit à droite de la dernière colonne"))
        t = dict(zip((c.cle for c in COLONNES), textes))
        cle = t["cle"]
        if cle not in attendues:
            mesure = cle.split(":")[1] if re.fullmatch(rf"({MESURE}:[^:]+|{LIVRABLE}:[^:]+:\d+)", cle) else t["mesure"]
            if mesure in par_mesure and organisation not in par_mesure[mesure]:
                regle = (f"la mesure {mesure} n'est pas portée par {organisation} (porteurs : {', '.join(par_mesure[mesure])},"
                         " data/mesures_organisations.csv) : cette ligne n'a pas sa place dans ce classeur")
            else:
                regle = "ligne ajoutée : le tableau ne compte que les lignes préparées par « collecte preparer »"
            problemes.append(Probleme(fichier, feuille, rang, "cle", cle, regle))
            continue
        if cle in vues:
            problemes.append(Probleme(fichier, feuille, rang, "cle", cle, f"ligne en double (déjà ligne {vues[cle]})"))
            continue
        vues[cle] = rang
        ligne = attendues[cle]
        for colonne, valeur in ligne.verrouillees().items():
            if t[colonne] != valeur:
                problemes.append(Probleme(fichier, feuille, rang, colonne, t[colonne],
                                          f"cellule verrouillée modifiée : « {valeur} » attendu (valeur préparée par « collecte preparer »)"))
        statut, recit = t["statut"], t["recit"]
        if statut and statut not in vocab[ligne.objet]:
            problemes.append(Probleme(fichier, feuille, rang, "statut", statut,
                                      f"statut hors du vocabulaire des {ligne.objet}s : {', '.join(vocab[ligne.objet])}"))
        if t["date"] and not statut:
            problemes.append(Probleme(fichier, feuille, rang, "statut", "", "date sans nouveau statut : choisir le statut, ou effacer la date"))
        if statut and not t["date"]:
            problemes.append(Probleme(fichier, feuille, rang, "date", "", "date manquante : un nouveau statut doit être daté"))
        date: dt.date | None = None
        if t["date"]:
            try:
                date = _lire_date(cellules[_INDEX["date"]])
            except ValueError:
                problemes.append(Probleme(fichier, feuille, rang, "date", t["date"], "date mal formée : AAAA-MM-JJ attendu, date existante"))
        if date is not None:
            if date > params.date_reference:
                problemes.append(Probleme(fichier, feuille, rang, "date", date.isoformat(),
                                          f"date postérieure à la date de référence de l'édition ({params.date_reference.isoformat()})"))
            if ligne.date_connue and date < dt.date.fromisoformat(ligne.date_connue):
                problemes.append(Probleme(fichier, feuille, rang, "date", date.isoformat(),
                                          f"date antérieure au dernier statut connu ({ligne.statut_connu}, {ligne.date_connue})"))
            elif ligne.date_connue == date.isoformat() and statut and statut != ligne.statut_connu:
                problemes.append(Probleme(fichier, feuille, rang, "date", date.isoformat(),
                                          f"un autre statut ({ligne.statut_connu}) est déjà enregistré à cette date :"
                                          " donner la date où le nouveau statut a été atteint ou constaté"))
        if statut or recit or t["date"]:
            saisies.append(Saisie(ligne, organisation, fichier, rang, statut, date, recit))
    for cle, ligne in attendues.items():
        if cle not in vues:
            problemes.append(Probleme(fichier, feuille, None, None, None,
                                      f"ligne supprimée : {ligne.designation} manque (utiliser le classeur intact préparé par « collecte preparer »)"))
    return organisation, saisies, problemes


def _evenements(donnees: Path, objet: str) -> pd.DataFrame:
    """Les événements d'un fichier de statuts en texte, avec le numéro de ligne du fichier (en-tête = 1)."""
    table, constats = lire_fichier(Path(donnees) / FICHIERS_STATUTS[objet])
    if table is None:
        raise CollecteInvalide(constats)
    return table.assign(ligne_fichier=[i + 2 for i in range(len(table))])


def _lignes_csv(rangees: list[list[str]]) -> str:
    tampon = io.StringIO()
    csv.writer(tampon, lineterminator="\n").writerows(rangees)
    return tampon.getvalue()


def _ajouter(contenu: bytes, ajout: str) -> bytes:
    if contenu and not contenu.endswith(b"\n"):
        contenu += b"\n"
    return contenu + ajout.encode("utf-8")


def _remplacer_ensemble(nouveaux: dict[Path, bytes]) -> None:
    """Remplace plusieurs fichiers : tous écrits à côté puis renommés ; si un renommage échoue, les premiers sont rétablis.

    Chaque fichier change d'un coup (os.replace) : un lecteur ne voit jamais un fichier à moitié écrit.
    """
    originaux = {chemin: chemin.read_bytes() for chemin in nouveaux}
    temporaires: dict[Path, Path] = {}
    try:
        for chemin, contenu in nouveaux.items():
            fd, nom = tempfile.mkstemp(dir=chemin.parent, prefix=f".{chemin.name}.", suffix=".tmp")
            temporaires[chemin] = Path(nom)
            with os.fdopen(fd, "wb") as f:
                f.write(contenu)
                f.flush()
                os.fsync(f.fileno())
            shutil.copymode(chemin, nom)
        faits: list[Path] = []
        try:
            for chemin, temporaire in temporaires.items():
                os.replace(temporaire, chemin)
                faits.append(chemin)
        except OSError:
            for chemin in faits:
                fd, nom = tempfile.mkstemp(dir=chemin.parent, prefix=f".{chemin.name}.", suffix=".tmp")
                with os.fdopen(fd, "wb") as f:
                    f.write(originaux[chemin])
                os.replace(nom, chemin)
            raise
    finally:
        for temporaire in temporaires.values():
            temporaire.unlink(missing_ok=True)


def importer(
    parametres: Parametres | str | Path,
    fichiers: Sequence[str | Path],
    donnees: Path = DONNEES,
    dossier: Path | None = None,
) -> Bilan:
    """Contrôle les classeurs retournés et, sans aucun problème, ajoute leurs statuts datés à ``donnees``.

    Lève ``CollecteInvalide`` avec tous les problèmes (classeurs, accord des coporteurs, puis
    validation complète des données avec les nouveaux événements) : rien n'est alors écrit.
    """
    params = _params(parametres)
    donnees = Path(donnees)
    dossier = Path(dossier) if dossier is not None else dossier_collecte(params)
    plan = charger_plan(donnees)
    porteuses = organisations_porteuses(plan)
    problemes: list[object] = []
    saisies: list[Saisie] = []
    origine: dict[str, str] = {}
    classeurs: list[tuple[str, str, int]] = []
    for chemin in fichiers:
        organisation, lues, trouves = _lire_classeur(Path(chemin), plan, params, porteuses)
        problemes += trouves
        if organisation is not None and organisation in origine:
            problemes.append(Probleme(str(chemin), FEUILLE_INSTRUCTIONS, None, ETIQUETTE_ORGANISATION, organisation,
                                      f"deux classeurs pour la même organisation (l'autre : {origine[organisation]}) : n'en importer qu'un"))
        elif organisation is not None:
            origine.setdefault(organisation, str(chemin))
        saisies += lues
        if organisation is not None:
            classeurs.append((str(chemin), organisation, len(lues)))

    # Les porteurs d'une même mesure doivent s'accorder sur le statut et la date.
    ordre_porteurs = porteurs(plan)
    par_cle: dict[str, list[Saisie]] = {}
    for s in saisies:
        if s.statut and s.date is not None:
            par_cle.setdefault(s.ligne.cle, []).append(s)
    for cle, liste in par_cle.items():
        if len({(s.statut, s.date) for s in liste}) > 1:
            detail = " ; ".join(f"{s.fichier} (feuille « {FEUILLE_STATUTS} », ligne {s.rang}) : {s.statut}, {s.date.isoformat()}" for s in liste)
            problemes.append(Probleme(liste[0].ligne.designation, None, None, None, None,
                                      f"statuts ou dates différents selon les porteurs — {detail} ; les porteurs doivent s'accorder"))

    # Confrontation aux événements déjà enregistrés (dont ceux d'un import précédent de cette collecte).
    existants = {objet: _evenements(donnees, objet) for objet in (MESURE, LIVRABLE)}
    de_la_collecte = _de_la_collecte(params.edition)
    actuel = {MESURE: statuts_mesures(plan, params.date_reference).set_index("mesure"),
              LIVRABLE: statuts_livrables(plan, params.date_reference).set_index(["mesure", "ordre"])}
    ajoutes: list[Changement] = []
    deja: list[Changement] = []
    for cle, liste in par_cle.items():
        if len({(s.statut, s.date) for s in liste}) > 1:
            continue
        s0 = liste[0]
        ligne, objet = s0.ligne, s0.ligne.objet
        orgs = tuple(o for o in ordre_porteurs[ligne.mesure] if o in {s.organisation for s in liste})
        ev = existants[objet]
        ev = ev[ev["mesure"] == ligne.mesure]
        if objet == LIVRABLE:
            ev = ev[ev["ordre"] == str(ligne.ordre)]
        avant = actuel[objet].loc[ligne.mesure if objet == MESURE else (ligne.mesure, ligne.ordre)]
        changement = Changement(ligne, avant["statut"], _date_texte(avant["date"]), s0.statut, s0.date, orgs)
        ou = f"data/{FICHIERS_STATUTS[objet]}"
        identique = ev[(ev["date"] == s0.date.isoformat()) & (ev["statut"] == s0.statut)]
        autre_meme_jour = ev[(ev["date"] == s0.date.isoformat()) & (ev["statut"] != s0.statut)]
        collecte_differente = ev[ev["source"].map(de_la_collecte) & ((ev["date"] != s0.date.isoformat()) | (ev["statut"] != s0.statut))]
        lieux = ", ".join(f"{s.fichier} ligne {s.rang}" for s in liste)
        for _, e in autre_meme_jour.iterrows():
            problemes.append(Probleme(ou, None, int(e["ligne_fichier"]), "statut", e["statut"],
                                      f"{ligne.designation} : un autre statut est déjà enregistré au {e['date']} (source « {e['source']} »),"
                                      f" le classeur ({lieux}) donne « {s0.statut} »"))
        for _, e in collecte_differente.iterrows():
            if e["date"] == s0.date.isoformat():
                continue  # déjà signalé ci-dessus
            problemes.append(Probleme(ou, None, int(e["ligne_fichier"]), "statut", e["statut"],
                                      f"{ligne.designation} : déjà importé de la collecte {params.edition} avec « {e['statut']} » au {e['date']}"
                                      f" (source « {e['source']} »), le classeur ({lieux}) donne « {s0.statut} » au {s0.date.isoformat()} :"
                                      " pour corriger un statut importé, retirer d'abord cette ligne"))
        if not autre_meme_jour.empty or not collecte_differente.empty:
            continue
        (deja if not identique.empty else ajoutes).append(changement)

    if problemes:
        raise CollecteInvalide(problemes)

    rang = {m: i for i, m in enumerate(plan.mesures.sort_values("ordre")["mesure"])}
    ajoutes.sort(key=lambda c: (c.ligne.objet != MESURE, rang[c.ligne.mesure], c.ligne.ordre or 0))
    nouveaux: dict[Path, bytes] = {}
    provenance: dict[tuple[str, int], str] = {}
    for objet in (MESURE, LIVRABLE):
        ceux_ci = [c for c in ajoutes if c.ligne.objet == objet]
        if not ceux_ci:
            continue
        chemin = donnees / FICHIERS_STATUTS[objet]
        premiere = len(existants[objet]) + 2
        rangees = []
        for k, c in enumerate(ceux_ci):
            debut = [c.ligne.mesure] if objet == MESURE else [c.ligne.mesure, str(c.ligne.ordre)]
            rangees.append(debut + [c.date.isoformat(), c.statut, source_collecte(params.edition, c.organisations)])
            lieux = [f"{s.fichier}, feuille « {FEUILLE_STATUTS} », ligne {s.rang}" for s in par_cle[c.ligne.cle]]
            provenance[(FICHIERS_STATUTS[objet], premiere + k)] = " ; ".join(lieux)
        nouveaux[chemin] = _ajouter(chemin.read_bytes(), _lignes_csv(rangees))

    if nouveaux:
        _valider_avec(donnees, nouveaux, provenance)
        _remplacer_ensemble(nouveaux)
    recits = _ecrire_recits(dossier / "recits", plan, params, saisies, set(origine))
    return Bilan(tuple(ajoutes), tuple(deja), tuple(nouveaux), tuple(recits), tuple(classeurs))


def _valider_avec(donnees: Path, nouveaux: dict[Path, bytes], provenance: dict[tuple[str, int], str]) -> None:
    """Validation complète (``bilan.donnees.verifier``) sur une copie de ``donnees`` qui contient les ajouts."""
    with tempfile.TemporaryDirectory() as temporaire:
        copie = Path(temporaire) / "data"
        shutil.copytree(donnees, copie)
        for chemin, contenu in nouveaux.items():
            (copie / chemin.name).write_bytes(contenu)
        _, constats = verifier(copie)
    erreurs = [c for c in constats if c.niveau == ERREUR]
    if erreurs:
        raise CollecteInvalide([
            f"{c} (données avec les statuts collectés{' ; ligne venue de ' + provenance[(c.fichier, c.ligne)] if (c.fichier, c.ligne) in provenance else ''})"
            for c in erreurs
        ])


# --- Fichiers de relecture --------------------------------------------------------------------

_MARQUE = re.compile(r"^<!-- entrée : (?P<organisation>.+?) \| (?P<cle>\S+) -->$", re.MULTILINE)


def _bloc(s: Saisie) -> str:
    statut = f"{s.statut}, au {s.date.isoformat()}" if s.statut and s.date else "aucun (mise à jour seule)"
    connu = f"{s.ligne.statut_connu} ({s.ligne.date_connue})" if s.ligne.date_connue else s.ligne.statut_connu
    corps = "\n".join(f"> {l}" if l.strip() else ">" for l in s.recit.splitlines()) if s.recit else "> (aucun texte)"
    titre = (f"Mesure {s.ligne.mesure}" if s.ligne.objet == MESURE
             else f"Livrable {s.ligne.mesure}-{s.ligne.ordre} : {s.ligne.intitule}")
    return "\n".join([
        f"<!-- entrée : {s.organisation} | {s.ligne.cle} -->",
        f"## {titre} — {s.organisation}",
        "",
        f"- Organisation : {s.organisation} (classeur {Path(s.fichier).name}, ligne {s.rang})",
        f"- Nouveau statut : {statut}",
        f"- Dernier statut connu avant la collecte : {connu}",
        "",
        corps,
        "",
    ])


def _ecrire_recits(dossier: Path, plan: Plan, params: Parametres, saisies: list[Saisie], organisations: set[str]) -> list[Path]:
    """Un fichier Markdown par mesure, avec la mise à jour de chaque porteur ; renvoie ceux qui ont changé.

    Un fichier garde les entrées des porteurs non importés cette fois-ci ; celles des
    organisations importées sont remplacées par leur classeur (le dernier retourné fait foi).
    """
    avec_texte = [s for s in saisies if s.recit]
    par_mesure = porteurs(plan)
    concernees = {m for m, orgs in par_mesure.items() if organisations & set(orgs)}
    rang_mesure = {m: i for i, m in enumerate(plan.mesures.sort_values("ordre")["mesure"])}
    titres = dict(zip(plan.mesures["mesure"], plan.mesures["titre"]))
    changes: list[Path] = []
    for mesure in sorted(concernees, key=rang_mesure.__getitem__):
        chemin = dossier / f"mesure-{mesure}.md"
        entrees: dict[tuple[str, str], str] = {}
        if chemin.exists():
            texte = chemin.read_text(encoding="utf-8")
            marques = list(_MARQUE.finditer(texte))
            for i, m in enumerate(marques):
                fin = marques[i + 1].start() if i + 1 < len(marques) else len(texte)
                if m["organisation"] not in organisations:
                    entrees[(m["organisation"], m["cle"])] = texte[m.start():fin].rstrip("\n") + "\n"
        for s in avec_texte:
            if s.ligne.mesure == mesure:
                entrees[(s.organisation, s.ligne.cle)] = _bloc(s)

        def tri(cle: tuple[str, str]) -> tuple[int, int, str]:
            morceaux = cle[1].split(":")
            return (0 if morceaux[0] == MESURE else 1, int(morceaux[2]) if len(morceaux) == 3 else 0, cle[0])

        if not entrees:
            if chemin.exists():
                chemin.unlink()
                changes.append(chemin)
            continue
        contenu = "\n".join([
            f"# Mesure {mesure} – mises à jour reçues (collecte {params.edition})",
            "",
            f"*{sans_marques(titres[mesure])}*",
            "",
            f"Porteur(s) : {', '.join(par_mesure[mesure])}. Texte des organisations, à relire avant de réviser le récit"
            f" de la mesure dans son notebook ; état au {francais.date_longue(params.date_reference)}.",
            "",
            *(entrees[c] for c in sorted(entrees, key=tri)),
        ])
        if not chemin.exists() or chemin.read_text(encoding="utf-8") != contenu:
            chemin.parent.mkdir(parents=True, exist_ok=True)
            chemin.write_text(contenu, encoding="utf-8")
            changes.append(chemin)
    return changes
