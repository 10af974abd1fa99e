"""Exports en données ouvertes et fichier de provenance d'une construction.

``donnees/`` reçoit une table par fichier CSV (UTF-8), leur dictionnaire (``dictionnaire.csv``)
et un classeur accessible qui reprend les mêmes tables (``donnees.xlsx``, ``bilan.classeur``).
Une seule définition, ``EXPORTS``, dit pour chaque fichier ses colonnes, leur type, leur unité,
le sens d'une cellule vide et leur source dans ``data/`` : l'écrivain CSV, le classeur et le
dictionnaire la lisent tous trois, et ne peuvent donc pas se contredire.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from bilan import francais
from bilan.config import DONNEES, RACINE, etat_git
from bilan.donnees import FICHIERS, Plan
from bilan.synthese import CATEGORIE_INCONNUE, STATUT_INCONNU, budget_total, categories, repartition

if TYPE_CHECKING:
    from bilan.parametres import Parametres

PAQUETS = ("pandas", "pandera", "papermill", "matplotlib", "babel", "nbformat", "nbclient", "ipykernel", "pyyaml",
           "openpyxl", "bilan")

# --- Définition des fichiers exportés -----------------------------------------------------------

TEXTE = "texte"
ENTIER = "entier"
DATE = "date"
LISTE = "liste"  # texte : éléments séparés par « ; » (espace, point-virgule, espace)
SEPARATEUR = " ; "
DOLLARS = "dollars"  # unité des montants

#: Une valeur de cellule : texte, entier, date, ou None pour une cellule vide.
Valeur = str | int | dt.date | None
Ligne = dict[str, Valeur]


@dataclass(frozen=True)
class Colonne:
    """Une colonne exportée, décrite une fois pour le CSV, le classeur et le dictionnaire."""

    nom: str  # en-tête du CSV
    entete: str  # en-tête de la feuille du classeur, en mots (unité comprise), sans marque de note
    type: str  # TEXTE, ENTIER, DATE ou LISTE
    description: str
    valeurs: str | Callable[[Plan], str]  # valeurs permises ou unité ; calculées des données si besoin
    source: str  # fichier(s) et colonne(s) de data/, ou calcul
    vide: str = ""  # ce que veut dire une cellule vide ; "" : jamais vide
    notes: tuple[str, ...] = ()  # clés de NOTES citées dans l'en-tête du classeur
    largeur: int = 14  # largeur de la colonne du classeur, en caractères

    @property
    def en_dollars(self) -> bool:
        """Montant : séparateur de milliers dans le classeur."""
        return self.valeurs == DOLLARS


@dataclass(frozen=True)
class Export:
    """Un fichier de ``donnees/`` et la feuille du classeur qui le reprend."""

    fichier: str
    feuille: str  # nom de l'onglet (31 caractères au plus)
    table: str  # nom du tableau Excel (lettres, chiffres, soulignés)
    titre: str  # titre de la feuille ; {date} : date de référence en toutes lettres
    lignes: str  # ce qu'est une ligne, pour la phrase d'en-tête de la feuille
    colonnes: tuple[Colonne, ...]

    @property
    def noms(self) -> list[str]:
        return [c.nom for c in self.colonnes]


def _vocabulaire(objet: str) -> Callable[[Plan], str]:
    def valeurs(plan: Plan) -> str:
        statuts = plan.statuts[plan.statuts["objet"] == objet].sort_values("ordre")["statut"]
        return " | ".join([*statuts, STATUT_INCONNU])
    return valeurs


def _codes_categories(objet: str) -> Callable[[Plan], str]:
    def valeurs(plan: Plan) -> str:
        return " | ".join([*categories(plan, objet)["categorie"], CATEGORIE_INCONNUE])
    return valeurs


def _axes(plan: Plan) -> str:
    return "numéro d'axe de data/axes.yml : " + ", ".join(str(a) for a in plan.axes["axe"])


def _enveloppes(plan: Plan) -> str:
    return "identifiant de data/budgets_communs.csv : " + ", ".join(plan.budgets_communs["budget_commun"])


_MESURE = Colonne("mesure", "Mesure", TEXTE, "Identifiant de la mesure, tel qu'imprimé dans le rapport",
                  "identifiant de data/mesures.csv (ex. 1, 33, additionnelle, A1)", "data/mesures.csv (mesure)")


def _colonnes_statut(objet: str, fichier: str) -> tuple[Colonne, ...]:
    """Statut, catégorie, date et source du statut : mêmes colonnes pour les mesures et les livrables."""
    genre = "de la mesure" if objet == "mesure" else "du livrable"
    sans_evenement = "statut inconnu : aucun événement daté au plus tard à la date de référence"
    return (
        Colonne("statut", "Statut", TEXTE, f"Statut {genre} à la date de référence", _vocabulaire(objet),
                f"data/{fichier} (statut)", notes=("statut",), largeur=16),
        Colonne("categorie", "Catégorie de statut", TEXTE,
                "Catégorie dans laquelle le statut est compté (règles de comptage de data/statuts.csv)",
                _codes_categories(objet), "data/statuts.csv (categorie)", notes=("categories",), largeur=16),
        Colonne("date_statut", "Date du statut", DATE,
                "Date de l'événement qui donne le statut : le dernier au plus tard à la date de référence",
                "date AAAA-MM-JJ", f"data/{fichier} (date)", vide=sans_evenement, largeur=12),
        Colonne("source_statut", "Source du statut", TEXTE,
                "Document d'où vient le statut ; un statut déduit faute d'information imprimée le dit ici",
                "texte libre", f"data/{fichier} (source)", vide=sans_evenement, notes=("statut",), largeur=40),
    )


_SANS_ENVELOPPE = "mesure qui ne partage pas d'enveloppe (type de budget autre que partage)"

MESURES = Export(
    fichier="mesures.csv", feuille="Mesures", table="Mesures",
    titre="Mesures du plan d'action au {date} : statut, organisations, budget et recommandations",
    lignes="une ligne par mesure, dans l'ordre du rapport",
    colonnes=(
        _MESURE,
        Colonne("axe", "Axe", ENTIER, "Axe d'intervention où la fiche de la mesure est imprimée", _axes,
                "data/mesures.csv (axe)", largeur=6),
        Colonne("titre", "Titre de la mesure", TEXTE,
                "Phrase-titre de la fiche de la mesure ; l'italique du rapport est noté *…*", "texte libre",
                "data/mesures.csv (titre)", largeur=60),
        *_colonnes_statut("mesure", "statuts_mesures.csv"),
        Colonne("porteurs", "Porteurs", LISTE, "Organisations responsables de la mesure, dans l'ordre imprimé sur la fiche",
                "libellés de data/organisations.csv séparés par « ; »",
                "data/mesures_organisations.csv (organisation, role porteur)", largeur=24),
        Colonne("collaborateurs", "Collaborateurs", LISTE,
                "Organisations collaboratrices de la mesure, dans l'ordre imprimé sur la fiche",
                "libellés de data/organisations.csv séparés par « ; »",
                "data/mesures_organisations.csv (organisation, role collaborateur)",
                vide="aucune organisation collaboratrice (« S. O. » sur la fiche)", largeur=30),
        Colonne("budget_type", "Type de budget", TEXTE, "Nature du budget attribué à la mesure",
                "montant (budget propre) | autofinance (autofinancée) | partage (part d'une enveloppe partagée)",
                "data/mesures.csv (budget_type)", largeur=14),
        Colonne("budget", "Budget propre (dollars)", ENTIER, "Budget attribué à la mesure seule, en dollars entiers",
                DOLLARS, "data/mesures.csv (budget)",
                vide="mesure autofinancée ou financée par une enveloppe partagée (type de budget autofinance ou partage)",
                notes=("budget",), largeur=16),
        Colonne("budget_commun", "Enveloppe partagée", TEXTE, "Identifiant de l'enveloppe partagée qui finance la mesure",
                _enveloppes, "data/mesures.csv (budget_commun)", vide=_SANS_ENVELOPPE, largeur=16),
        Colonne("budget_commun_montant", "Montant de l'enveloppe partagée (dollars)", ENTIER,
                "Montant total de l'enveloppe, répété sur chaque mesure qui la partage : à ne compter qu'une fois",
                DOLLARS, "data/budgets_communs.csv (montant)", vide=_SANS_ENVELOPPE, notes=("budget",),
                largeur=18),
        Colonne("budget_commun_mesures", "Mesures qui partagent l'enveloppe", LISTE,
                "Mesures financées par la même enveloppe, dans l'ordre du rapport, la mesure de la ligne comprise",
                "identifiants de mesure séparés par « ; »", "data/mesures.csv (budget_commun)",
                vide=_SANS_ENVELOPPE, largeur=22),
        Colonne("recommandations", "Recommandations", TEXTE,
                "Recommandations de la Commission auxquelles répond la mesure, selon sa fiche",
                "numéros 1 à 58 séparés par « ; » sans espace (ex. 5;13;55) | Initiative gouvernementale | Inconnues",
                "data/mesures_recommandations.csv (recommandation) ; data/mesures.csv (liens_recommandations)",
                notes=("recommandations",), largeur=18),
    ),
)

LIVRABLES = Export(
    fichier="livrables.csv", feuille="Livrables", table="Livrables",
    titre="Livrables des mesures au {date} : statut",
    lignes="une ligne par livrable, dans l'ordre du rapport",
    colonnes=(
        _MESURE,
        Colonne("ordre", "Rang du livrable", ENTIER, "Rang du livrable dans sa mesure", "1, 2, 3…",
                "data/livrables.csv (ordre)", largeur=10),
        Colonne("livrable", "Livrable", TEXTE, "Texte du livrable imprimé sur la fiche ; l'italique du rapport est noté *…*",
                "texte libre", "data/livrables.csv (livrable)", largeur=60),
        *_colonnes_statut("livrable", "statuts_livrables.csv"),
    ),
)

REPARTITION = Export(
    fichier="repartition.csv", feuille="Répartition", table="Repartition",
    titre="Mesures et livrables par catégorie de statut au {date}",
    lignes="une ligne par objet (mesure, livrable) et catégorie de statut, même à zéro",
    colonnes=(
        Colonne("objet", "Objet", TEXTE, "Ce qui est compté", "mesure | livrable", "data/statuts.csv (objet)", largeur=10),
        Colonne("categorie", "Catégorie (code)", TEXTE, "Code de la catégorie de statut",
                lambda plan: f"mesure : {_codes_categories('mesure')(plan)} ; livrable : {_codes_categories('livrable')(plan)}",
                "data/statuts.csv (categorie)", notes=("categories",), largeur=18),
        Colonne("libelle_categorie", "Catégorie", TEXTE, "Libellé de la catégorie dans les tableaux et figures du rapport",
                "texte", "data/statuts.csv (libelle_categorie)", largeur=20),
        Colonne("nombre", "Nombre", ENTIER, "Nombre de mesures ou de livrables de la catégorie à la date de référence",
                "nombre", "calcul : statuts de mesures.csv et livrables.csv (colonne categorie)", largeur=10),
        Colonne("total", "Total", ENTIER, "Nombre de mesures ou de livrables en tout", "nombre",
                "calcul : lignes de mesures.csv ou de livrables.csv", largeur=10),
        Colonne("pourcentage", "Pourcentage du total", ENTIER,
                "Part du total, en pour cent arrondi à l'entier (demi supérieur), comme dans le rapport",
                "pour cent (0 à 100)", "calcul : nombre et total", largeur=12),
    ),
)

DICTIONNAIRE = Export(
    fichier="dictionnaire.csv", feuille="Dictionnaire", table="Dictionnaire",
    titre="Dictionnaire des colonnes des fichiers de données",
    lignes="une ligne par colonne de chaque fichier CSV, dans l'ordre des fichiers",
    colonnes=(
        Colonne("fichier", "Fichier", TEXTE, "Fichier CSV de donnees/", lambda plan: " | ".join(e.fichier for e in EXPORTS),
                "définition des exports (bilan.exports)", largeur=16),
        Colonne("colonne", "Colonne", TEXTE, "Nom de la colonne dans le fichier CSV", "texte",
                "définition des exports (bilan.exports)", largeur=22),
        Colonne("entete_classeur", "En-tête dans le classeur", TEXTE,
                "En-tête de la même colonne dans la feuille du classeur donnees.xlsx, marques de note comprises",
                "texte", "définition des exports (bilan.exports)", largeur=26),
        Colonne("type", "Type", TEXTE, "Type des valeurs",
                "texte | entier | date (AAAA-MM-JJ) | liste (texte, éléments séparés par « ; »)",
                "définition des exports (bilan.exports)", largeur=10),
        Colonne("valeurs_ou_unite", "Valeurs permises ou unité", TEXTE, "Valeurs permises, forme ou unité des valeurs", "texte",
                "définition des exports et vocabulaires de data/ (statuts.csv, axes.yml, budgets_communs.csv)", largeur=40),
        Colonne("cellule_vide", "Sens d'une cellule vide", TEXTE, "Ce que veut dire une cellule vide dans cette colonne", "texte",
                "définition des exports (bilan.exports)", vide="la colonne n'est jamais vide", largeur=30),
        Colonne("description", "Description", TEXTE, "Contenu de la colonne", "texte",
                "définition des exports (bilan.exports)", largeur=50),
        Colonne("source", "Source", TEXTE, "Fichier(s) et colonne(s) de data/ d'où vient la valeur, ou calcul", "texte",
                "définition des exports (bilan.exports)", largeur=40),
    ),
)

#: Les fichiers CSV de donnees/, dans l'ordre des feuilles du classeur.
EXPORTS: tuple[Export, ...] = (MESURES, LIVRABLES, REPARTITION, DICTIONNAIRE)


# --- Notes (feuille Notes du classeur ; citées « [note N] » dans les en-têtes) -----------------


def _note_categories(plan: Plan) -> str:
    parties = []
    for objet, titre in (("mesure", "Mesures"), ("livrable", "Livrables")):
        vocab = plan.statuts[plan.statuts["objet"] == objet].sort_values("ordre")
        regles = []
        for (categorie, libelle), statuts in vocab.groupby(["categorie", "libelle_categorie"], sort=False)["statut"]:
            regles.append(f"{francais.liste(list(statuts))} → {libelle} ({categorie})")
        parties.append(f"{titre} : {' ; '.join(regles)}.")
    return ("Les nombres comptent par catégorie de statut, selon les règles de data/statuts.csv. "
            + " ".join(parties) + f" Un statut inconnu compte dans la catégorie {CATEGORIE_INCONNUE}.")


def _note_budget(plan: Plan) -> str:
    return ("Budget propre : montant attribué à la mesure seule. Une enveloppe partagée finance plusieurs mesures : "
            "son montant est répété sur chaque ligne qui la partage et ne se compte qu'une fois dans un total. "
            f"Budget attribué total du plan, chaque enveloppe comptée une fois : {francais.montant(budget_total(plan))}.")


NOTES: tuple[tuple[str, Callable[[Plan], str]], ...] = (
    ("statut", lambda plan: (
        "Le statut d'une mesure ou d'un livrable est celui de son dernier événement daté au plus tard à la date "
        "de référence (data/statuts_mesures.csv, data/statuts_livrables.csv). Sans événement, il est « Inconnu », "
        "jamais deviné. Un statut déduit faute d'information imprimée le dit dans sa source.")),
    ("categories", _note_categories),
    ("budget", _note_budget),
    ("recommandations", lambda plan: (
        "« Inconnues » : les numéros des recommandations ne figurent pas dans le texte source de la fiche (voir "
        "« Lacunes connues de la source » dans data/README.md) ; aucun lien n'est déduit du sujet d'une "
        "recommandation. « Initiative gouvernementale » : la fiche imprime cette mention au lieu de numéros.")),
)


def numeros_notes() -> dict[str, int]:
    """Numéro de chaque note, dans l'ordre de NOTES (toutes sont citées par au moins une colonne)."""
    return {cle: i for i, (cle, _) in enumerate(NOTES, start=1)}


def notes(plan: Plan) -> list[tuple[int, str]]:
    """(numéro, texte) de chaque note, texte calculé des données et mis en typographie française."""
    numeros = numeros_notes()
    return [(numeros[cle], francais.typographie(texte(plan), markdown=False)) for cle, texte in NOTES]


def entete_classeur(colonne: Colonne) -> str:
    """En-tête de la colonne dans le classeur : ses mots, puis ses marques de note « [note N] »."""
    numeros = numeros_notes()
    return " ".join([colonne.entete, *(f"[note {numeros[n]}]" for n in colonne.notes)])


# --- Tables -----------------------------------------------------------------------------------


def _ou_vide(v: Any) -> Any:
    """NaN (statut sans événement, après une fusion pandas) → None."""
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT else v


def _recommandations(plan: Plan, m: pd.Series) -> str:
    if m["liens_recommandations"] == "initiative gouvernementale":
        return "Initiative gouvernementale"
    if m["liens_recommandations"] == "inconnus":
        return "Inconnues"
    return ";".join(str(n) for n in plan.recommandations_de(m["mesure"]))


def _budget(plan: Plan, m: pd.Series) -> Ligne:
    """Les cinq colonnes du budget : un nombre n'est jamais mêlé à du texte."""
    budget: Ligne = {"budget_type": m["budget_type"], "budget": None, "budget_commun": None,
                     "budget_commun_montant": None, "budget_commun_mesures": None}
    if m["budget_type"] == "montant":
        budget["budget"] = int(m["budget"])
    elif m["budget_type"] == "partage":
        montant, partageurs = plan.budget_commun(m["budget_commun"])
        budget.update(budget_commun=m["budget_commun"], budget_commun_montant=int(montant),
                      budget_commun_mesures=SEPARATEUR.join(partageurs))
    return budget


def _statut(s: dict[str, Any]) -> Ligne:
    return {"statut": s["statut"], "categorie": s["categorie"], "date_statut": _ou_vide(s["date"]),
            "source_statut": _ou_vide(s["source"])}


def table_mesures(plan: Plan, statuts: pd.DataFrame) -> list[Ligne]:
    """Une ligne par mesure (colonnes de ``MESURES``), statut à la date de référence."""
    statut = {s["mesure"]: _statut(s) for s in statuts.to_dict("records")}
    lignes = []
    for _, m in plan.mesures.iterrows():
        lignes.append({
            "mesure": m["mesure"],
            "axe": int(m["axe"]),
            "titre": m["titre"],
            **statut[m["mesure"]],
            "porteurs": SEPARATEUR.join(plan.organisations_de(m["mesure"], "porteur")),
            "collaborateurs": SEPARATEUR.join(plan.organisations_de(m["mesure"], "collaborateur")) or None,
            **_budget(plan, m),
            "recommandations": _recommandations(plan, m),
        })
    return lignes


def table_livrables(statuts_livrables: pd.DataFrame) -> list[Ligne]:
    """Une ligne par livrable (colonnes de ``LIVRABLES``), statut à la date de référence."""
    return [{"mesure": s["mesure"], "ordre": int(s["ordre"]), "livrable": s["livrable"], **_statut(s)}
            for s in statuts_livrables.to_dict("records")]


def table_repartition(plan: Plan, statuts_mesures: pd.DataFrame, statuts_livrables: pd.DataFrame) -> list[Ligne]:
    """Nombre par catégorie de statut, calculé des mêmes statuts que mesures.csv et livrables.csv."""
    lignes: list[Ligne] = []
    for objet, statuts in (("mesure", statuts_mesures), ("livrable", statuts_livrables)):
        for _, r in repartition(plan, statuts, objet).iterrows():
            lignes.append({"objet": objet, "categorie": r["categorie"], "libelle_categorie": r["libelle"],
                           "nombre": int(r["nombre"]), "total": int(r["total"]), "pourcentage": int(r["pourcentage"])})
    return lignes


def table_dictionnaire(plan: Plan) -> list[Ligne]:
    """Une ligne par colonne de chaque fichier de ``EXPORTS``, lui-même compris."""
    def texte(v: str) -> str:
        return francais.typographie(v, markdown=False)

    return [{
        "fichier": export.fichier,
        "colonne": c.nom,
        "entete_classeur": entete_classeur(c),
        "type": c.type,
        "valeurs_ou_unite": texte(c.valeurs(plan) if callable(c.valeurs) else c.valeurs),
        "cellule_vide": texte(c.vide) if c.vide else None,
        "description": texte(c.description),
        "source": c.source,
    } for export in EXPORTS for c in export.colonnes]


def tables(plan: Plan, statuts_mesures: pd.DataFrame, statuts_livrables: pd.DataFrame) -> list[tuple[Export, list[Ligne]]]:
    """Chaque fichier de ``EXPORTS`` et ses lignes, dans l'ordre de ``EXPORTS``."""
    contenus = {
        MESURES.fichier: table_mesures(plan, statuts_mesures),
        LIVRABLES.fichier: table_livrables(statuts_livrables),
        REPARTITION.fichier: table_repartition(plan, statuts_mesures, statuts_livrables),
        DICTIONNAIRE.fichier: table_dictionnaire(plan),
    }
    for export in EXPORTS:
        verifier_colonnes(export, contenus[export.fichier])
    return [(export, contenus[export.fichier]) for export in EXPORTS]


def verifier_colonnes(export: Export, lignes: Sequence[Ligne]) -> None:
    """Chaque ligne a exactement les colonnes de la définition : une colonne ajoutée au calcul sans
    l'être à la définition (ou l'inverse) arrête l'export au lieu de publier un fichier non documenté."""
    attendues = export.noms
    for ligne in lignes:
        if list(ligne) != attendues:
            raise ValueError(f"{export.fichier} : colonnes {list(ligne)} au lieu de {attendues} (voir bilan.exports.EXPORTS)")


# --- Écriture ---------------------------------------------------------------------------------


def texte_csv(valeur: Valeur) -> str:
    """Valeur d'une cellule CSV : vide pour None, date AAAA-MM-JJ, entier sans séparateur."""
    if valeur is None:
        return ""
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    return str(valeur)


def ecrire_csv(chemin: Path, export: Export, lignes: Sequence[Ligne]) -> Path:
    verifier_colonnes(export, lignes)
    with chemin.open("w", encoding="utf-8", newline="") as f:
        ecrivain = csv.writer(f, lineterminator="\n")
        ecrivain.writerow(export.noms)
        ecrivain.writerows([texte_csv(ligne[n]) for n in export.noms] for ligne in lignes)
    return chemin


NOM_CLASSEUR = "donnees.xlsx"


def ecrire_exports(dossier: Path, plan: Plan, statuts_mesures: pd.DataFrame, statuts_livrables: pd.DataFrame,
                   *, parametres: Parametres | None = None) -> list[Path]:
    """Écrit les CSV et leur dictionnaire, puis, avec les paramètres de l'édition (couverture),
    le classeur ``donnees.xlsx`` ; renvoie les chemins écrits."""
    dossier.mkdir(parents=True, exist_ok=True)
    contenus = tables(plan, statuts_mesures, statuts_livrables)
    chemins = [ecrire_csv(dossier / export.fichier, export, lignes) for export, lignes in contenus]
    if parametres is not None:
        from bilan.classeur import ecrire_classeur

        chemins.append(ecrire_classeur(dossier / NOM_CLASSEUR, contenus, notes(plan), parametres))
    return chemins


def _commit() -> dict[str, Any]:
    etat = etat_git()
    if etat is None:
        return {"commit": "inconnu (pas un dépôt git)", "modifications_non_versionnees": None}
    return {"commit": etat[0], "modifications_non_versionnees": etat[1]}


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
