"""Validation des données du plan : schémas par fichier (pandera) et règles entre tableaux.

Toutes les erreurs sont rassemblées avant d'être signalées (pandera ``lazy=True``), chacune
nommant le fichier, la ligne, la colonne, la valeur et la règle, en mots d'analyste.
Les fichiers sont lus comme du texte : une valeur mal formée est ainsi rapportée telle
qu'elle est écrite, au lieu de faire échouer la lecture.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

import pandas as pd
import pandera.pandas as pa

ERREUR = "erreur"
AVERTISSEMENT = "avertissement"

# Le seul statut de mesure qui affirme que tout est fait ; une mesure qui le porte alors
# que des livrables ne sont pas réalisés doit être justifiée par une note (astérisque).
STATUT_MESURE_REALISEE = "Réalisée"

ENTIER = r"^[0-9]+$"
DATE_ISO = r"^\d{4}-\d{2}-\d{2}$"
ID_MESURE = r"^([1-9][0-9]*|A[1-9][0-9]*|additionnelle)$"


@dataclass(frozen=True)
class Constat:
    """Un problème trouvé dans les données, situé précisément."""

    niveau: str
    fichier: str
    ligne: int | None
    colonne: str | None
    valeur: str | None
    regle: str

    def __str__(self) -> str:
        morceaux = [f"data/{self.fichier}"]
        if self.ligne is not None:
            unite = "élément" if self.fichier.endswith(".yml") else "ligne"
            morceaux.append(f"{unite} {self.ligne}")
        if self.colonne:
            quoi = "clé" if self.fichier.endswith(".yml") else "colonne"
            pluriel = "s" if ", " in self.colonne else ""  # clé formée de plusieurs colonnes (doublons)
            morceaux.append(f"{quoi}{pluriel} « {self.colonne} »")
        if self.valeur is not None:
            morceaux.append(f"valeur « {self.valeur} »")
        prefixe = "ERREUR" if self.niveau == ERREUR else "Avertissement"
        return f"{prefixe} – {', '.join(morceaux)} : {self.regle}"


class DonneesInvalides(Exception):
    """Levée quand les données contiennent au moins une erreur ; porte tous les constats."""

    def __init__(self, constats: list[Constat]):
        self.constats = constats
        erreurs = [c for c in constats if c.niveau == ERREUR]
        super().__init__(
            f"{len(erreurs)} erreur(s) dans les données :\n" + "\n".join(str(c) for c in erreurs)
        )


def ligne_fichier(index: int, fichier: str) -> int:
    """Numéro de ligne tel qu'un éditeur l'affiche (en-tête CSV = ligne 1) ou rang YAML (1…)."""
    return index + 1 if fichier.endswith(".yml") else index + 2


# --- Schémas par fichier -------------------------------------------------------------------

def _texte_non_vide(message: str = "ne doit pas être vide") -> pa.Check:
    return pa.Check(lambda s: s.str.strip() != "", error=message)


def _regex(motif: str, message: str) -> pa.Check:
    return pa.Check.str_matches(motif, error=message)


def _vocabulaire(valeurs: Iterable[str], quoi: str) -> pa.Check:
    valeurs = list(valeurs)
    return pa.Check.isin(valeurs, error=f"{quoi} doit être l'une de : {', '.join(valeurs)}")


def _date_valide() -> pa.Check:
    # Expression compilée une fois, et non une Series créée pour chaque valeur : bien plus rapide.
    motif = re.compile(DATE_ISO)

    def ok(s: pd.Series) -> pd.Series:
        def une(v: str) -> bool:
            try:
                dt.date.fromisoformat(v)
                return motif.match(v) is not None
            except ValueError:
                return False
        return s.map(une)

    return pa.Check(ok, error="la date doit exister et s'écrire AAAA-MM-JJ (ex. 2024-09-01)")


def _col(*checks: pa.Check, vide_permis: bool = False) -> pa.Column:
    liste = list(checks)
    if not vide_permis:
        liste.insert(0, _texte_non_vide())
    return pa.Column(str, liste, nullable=False)


def _optionnel(motif: str, message: str) -> pa.Check:
    return pa.Check(lambda s: (s == "") | s.str.match(motif), error=message)


def schemas() -> dict[str, pa.DataFrameSchema]:
    """Schéma de chaque fichier de ``data/`` (colonnes attendues, toutes lues comme du texte)."""
    mesure = _col(_regex(ID_MESURE, "identifiant de mesure attendu : 1…99, A1…A9 ou « additionnelle »"))
    entier = lambda quoi: _col(_regex(ENTIER, f"{quoi} doit être un nombre entier positif"))  # noqa: E731
    date = _col(_date_valide())
    return {
        "axes.yml": pa.DataFrameSchema(
            {"axe": entier("le numéro d'axe"), "titre": _col(), "libelle": _col(), "slogan": _col(), "objectif": _col()},
            strict=True, unique=["axe"], report_duplicates="all",
        ),
        "mesures.csv": pa.DataFrameSchema(
            {
                "mesure": mesure,
                "ordre": entier("l'ordre"),
                "axe": entier("le numéro d'axe"),
                "titre": _col(),
                "budget_type": _col(_vocabulaire(["montant", "autofinance", "partage"], "le type de budget")),
                "budget": _col(_optionnel(ENTIER, "le budget doit être un nombre entier de dollars, sans espace ni symbole"), vide_permis=True),
                "budget_commun": _col(vide_permis=True),
                "note": _col(vide_permis=True),
                "liens_recommandations": _col(
                    _vocabulaire(["connus", "initiative gouvernementale", "inconnus"], "l'état des liens")
                ),
            },
            strict=True,
        ),
        "budgets_communs.csv": pa.DataFrameSchema(
            {"budget_commun": _col(), "montant": entier("le montant"), "description": _col()},
            strict=True, unique=["budget_commun"], report_duplicates="all",
        ),
        "organisations.csv": pa.DataFrameSchema(
            {
                "organisation": _col(),
                "nom": _col(vide_permis=True),
                "type": _col(_vocabulaire(["sigle", "groupe"], "le type")),
                "plusieurs": _col(_vocabulaire(["true", "false"], "la colonne plusieurs")),
                "source": _col(),
            },
            strict=True, unique=["organisation"], report_duplicates="all",
        ),
        "mesures_organisations.csv": pa.DataFrameSchema(
            {
                "mesure": mesure,
                "role": _col(_vocabulaire(["porteur", "collaborateur"], "le rôle")),
                "ordre": entier("l'ordre"),
                "organisation": _col(),
            },
            strict=True, unique=["mesure", "role", "ordre"], report_duplicates="all",
        ),
        "mesures_recommandations.csv": pa.DataFrameSchema(
            {
                "mesure": mesure,
                "recommandation": entier("le numéro de recommandation"),
                # Chaque lien dit d'où il vient : la fiche du rapport de 2024, ou un autre
                # document publié (titre, page, adresse) pour les fiches dont l'en-tête est perdu.
                "source": _col(),
            },
            strict=True, unique=["mesure", "recommandation"], report_duplicates="all",
        ),
        "livrables.csv": pa.DataFrameSchema(
            {"mesure": mesure, "ordre": entier("l'ordre"), "livrable": _col()},
            strict=True, unique=["mesure", "ordre"], report_duplicates="all",
        ),
        "statuts.csv": pa.DataFrameSchema(
            {
                "objet": _col(_vocabulaire(["mesure", "livrable"], "l'objet")),
                "statut": _col(),
                "ordre": entier("l'ordre"),
                "categorie": _col(
                    _vocabulaire(["realise", "realise_en_partie", "en_cours", "a_faire"], "la catégorie")
                ),
                "libelle_categorie": _col(),
            },
            strict=True, unique=["objet", "statut"], report_duplicates="all",
        ),
        "statuts_mesures.csv": pa.DataFrameSchema(
            {"mesure": mesure, "date": date, "statut": _col(), "source": _col()},
            strict=True, unique=["mesure", "date"], report_duplicates="all",
        ),
        "statuts_livrables.csv": pa.DataFrameSchema(
            {"mesure": mesure, "ordre": entier("l'ordre"), "date": date, "statut": _col(), "source": _col()},
            strict=True, unique=["mesure", "ordre", "date"], report_duplicates="all",
        ),
        "recommandations.yml": pa.DataFrameSchema(
            {"numero": entier("le numéro"), "texte": _col()},
            strict=True, unique=["numero"], report_duplicates="all",
        ),
        "comite_2020.csv": pa.DataFrameSchema(
            {
                "ordre": entier("l'ordre"),
                "organisation_nom": _col(),
                "porteur": _col(_vocabulaire(["true", "false"], "la colonne porteur")),
            },
            strict=True, unique=["ordre"], report_duplicates="all",
        ),
        "editions_publiees.csv": pa.DataFrameSchema(
            {
                "edition": entier("l'édition"),
                "objet": _col(_vocabulaire(["mesure", "livrable"], "l'objet")),
                "categorie": _col(
                    _vocabulaire(["realise", "realise_en_partie", "en_cours", "a_faire"], "la catégorie")
                ),
                "nombre": entier("le nombre"),
                "total": entier("le total"),
                "source": _col(),
                "note": _col(vide_permis=True),
            },
            strict=True, unique=["edition", "objet", "categorie"], report_duplicates="all",
        ),
    }


# Traduction des contrôles intégrés de pandera en règles lisibles.
_REGLES_PANDERA = {
    "column_in_schema": "colonne inconnue (le schéma ne la prévoit pas)",
    "column_in_dataframe": "colonne obligatoire absente",
    "multiple_fields_uniqueness": "doublon : cette combinaison doit être unique",
    "field_uniqueness": "doublon : cette valeur doit être unique",
    "not_nullable": "valeur manquante",
}


def _regle_lisible(check: str) -> str:
    if check in _REGLES_PANDERA:
        return _REGLES_PANDERA[check]
    if check.startswith("dtype("):
        return "type de valeur inattendu"
    return check


def _entete(fichier: str, colonnes: list[str], attendues: list[str]) -> Constat | None:
    """Un seul constat pour un en-tête non conforme : une colonne renommée ou absente ferait
    sinon échouer chaque ligne du fichier, et la cause se perdrait dans la liste."""
    yaml_ = fichier.endswith(".yml")
    quoi = "clé" if yaml_ else "colonne"
    doublons = sorted({c for c in colonnes if colonnes.count(c) > 1})
    inconnues = [c for c in colonnes if c not in attendues]
    absentes = [c for c in attendues if c not in colonnes]
    if not (doublons or inconnues or absentes):
        return None
    parties = [f"{quoi} « {c} » en double" for c in doublons]
    if "" in inconnues:
        parties.append(f"{quoi} sans nom (n° {colonnes.index('') + 1}) qui contient des valeurs")
    for c in dict.fromkeys(c for c in inconnues if c):
        proche = difflib.get_close_matches(c.lower(), attendues, n=1, cutoff=0.6)
        parties.append(f"{quoi} « {c} » inconnue" + (f" (pour « {proche[0]} » ? majuscules, accents et espaces comptent)" if proche else ""))
    parties += [f"{quoi} « {c} » obligatoire absente" for c in absentes]
    if yaml_:
        regle = f"clés non conformes : {' ; '.join(parties)}. Clés attendues : {', '.join(attendues)}"
        suite = "les clés ne sont pas corrigées"
    else:
        regle = f"en-tête non conforme : {' ; '.join(parties)}. En-tête attendu : {','.join(attendues)}"
        suite = "l'en-tête n'est pas corrigé"
    return Constat(ERREUR, fichier, None if yaml_ else 1, None, None, f"{regle} (lignes non vérifiées tant que {suite})")


# Caractères qu'aucun texte du rapport ne doit porter : contrôles (sauf tabulation et fins de
# ligne), marque d'ordre des octets au milieu d'un texte, commandes de sens d'écriture (le
# texte s'afficherait à l'envers). Saisis par erreur (copier-coller d'un terminal, d'un courriel),
# ils sont invisibles dans un tableur et font échouer le PDF balisé ou trompent le lecteur.
_INTERDITS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u202a-\u202e\u2066-\u2069]")


def valider_caracteres(fichier: str, table: pd.DataFrame) -> list[Constat]:
    """Un constat par cellule qui porte un caractère interdit, nommé par son code (« U+0007 »)."""
    constats = []
    for colonne in table.columns:
        for i, valeur in table[colonne].items():
            trouves = _INTERDITS.findall(str(valeur))
            if trouves:
                codes = ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in trouves))
                visible = _INTERDITS.sub("�", str(valeur))
                constats.append(Constat(ERREUR, fichier, ligne_fichier(i, fichier), str(colonne), visible,
                                        f"caractère invisible interdit ({codes}) : caractère de contrôle ou de "
                                        "sens d'écriture, souvent collé par erreur ; le retirer"))
    return constats


def valider_schema(fichier: str, table: pd.DataFrame) -> list[Constat]:
    """Vérifie l'en-tête, puis applique le schéma du fichier et convertit chaque échec en constat."""
    schema = schemas()[fichier]
    entete = _entete(fichier, [str(c) for c in table.columns], list(schema.columns))
    if entete is not None:
        return [entete]
    if table.empty:
        vide = "la liste ne contient aucun élément" if fichier.endswith(".yml") else "le fichier ne contient que la ligne d'en-tête"
        return [Constat(ERREUR, fichier, None, None, None, f"{vide} : au moins une ligne de données est attendue")]
    try:
        schema.validate(table, lazy=True)
    except pa.errors.SchemaErrors as err:
        constats = []
        for _, cas in err.failure_cases.iterrows():
            if cas["check"] == "multiple_fields_uniqueness":
                continue  # regroupés par ligne ci-dessous : une erreur par ligne, pas par colonne
            index = cas["index"]
            ligne = None if pd.isna(index) else ligne_fichier(int(index), fichier)
            colonne = cas["column"] if isinstance(cas["column"], str) else None
            valeur = cas["failure_case"]
            if cas["check"] == "column_in_schema":
                colonne, valeur = str(valeur), None
            elif cas["check"] == "column_in_dataframe":
                colonne, valeur = str(valeur), None
            constats.append(
                Constat(ERREUR, fichier, ligne, colonne, None if valeur is None else str(valeur), _regle_lisible(str(cas["check"])))
            )
        if (err.failure_cases["check"] == "multiple_fields_uniqueness").any():
            constats += _doublons(fichier, table, list(schema.unique or []))
        return sorted(constats, key=lambda c: (c.ligne or 0, c.colonne or ""))
    return []


def _doublons(fichier: str, table: pd.DataFrame, cles: list[str]) -> list[Constat]:
    """Une erreur par ligne en double, qui nomme la clé répétée et les autres lignes qui la portent."""
    unite = "élément" if fichier.endswith(".yml") else "ligne"
    quoi = "cette valeur" if len(cles) == 1 else "cette combinaison"
    doublons = table[table.duplicated(cles, keep=False)]
    constats = []
    for _, groupe in doublons.groupby(cles, sort=False):
        lignes = [ligne_fichier(int(i), fichier) for i in groupe.index]
        for i, ligne in zip(groupe.index, lignes):
            autres = ", ".join(str(l) for l in lignes if l != ligne)
            constats.append(Constat(ERREUR, fichier, ligne, ", ".join(cles), ", ".join(str(table.at[i, c]) for c in cles),
                                    f"doublon : {quoi} doit être unique (aussi {unite} {autres})"))
    return constats


# --- Règles entre tableaux -----------------------------------------------------------------

def _lignes(table: pd.DataFrame) -> Iterator[tuple[int, dict[str, str]]]:
    """(index, ligne) comme ``iterrows``, sans construire une Series par ligne (dix fois plus
    rapide : les tables d'événements ont des dizaines de milliers de lignes à grande échelle)."""
    colonnes = list(table.columns)
    for i, *valeurs in zip(table.index, *(table[c] for c in colonnes)):
        yield i, dict(zip(colonnes, valeurs))


def _references(
    fichier: str, table: pd.DataFrame, colonne: str, connues: set[str], quoi: str
) -> list[Constat]:
    return [
        Constat(ERREUR, fichier, ligne_fichier(i, fichier), colonne, v, f"{quoi} inconnu(e) : absent(e) du fichier de référence")
        for i, v in table[colonne].items()
        if v not in connues
    ]


def valider_relations(t: dict[str, pd.DataFrame]) -> list[Constat]:
    """Règles qui lient les fichiers entre eux ; ``t`` contient les tables déjà conformes à leur schéma."""
    c: list[Constat] = []
    mesures = t["mesures.csv"]
    ids_mesures = set(mesures["mesure"])

    for colonne, quoi in (("mesure", "l'identifiant"), ("ordre", "l'ordre")):
        doublons = mesures[mesures[colonne].duplicated(keep=False)]
        c += [
            Constat(ERREUR, "mesures.csv", ligne_fichier(i, "mesures.csv"), colonne, v, f"doublon : {quoi} de mesure doit être unique")
            for i, v in doublons[colonne].items()
        ]

    axes = set(t["axes.yml"]["axe"])
    c += _references("mesures.csv", mesures, "axe", axes, "axe")

    for fichier in ("mesures_organisations.csv", "mesures_recommandations.csv", "livrables.csv", "statuts_mesures.csv", "statuts_livrables.csv"):
        c += _references(fichier, t[fichier], "mesure", ids_mesures, "mesure")

    # Budgets
    communs = set(t["budgets_communs.csv"]["budget_commun"])
    for i, m in _lignes(mesures):
        ligne = ligne_fichier(i, "mesures.csv")
        if m["budget_type"] == "montant" and m["budget"] == "":
            c.append(Constat(ERREUR, "mesures.csv", ligne, "budget", "", "un budget de type « montant » exige un montant en dollars"))
        if m["budget_type"] != "montant" and m["budget"] != "":
            c.append(Constat(ERREUR, "mesures.csv", ligne, "budget", m["budget"], f"un budget de type « {m['budget_type']} » ne porte pas de montant propre"))
        if m["budget_type"] == "partage" and m["budget_commun"] not in communs:
            c.append(Constat(ERREUR, "mesures.csv", ligne, "budget_commun", m["budget_commun"], "budget commun inconnu : absent de budgets_communs.csv"))
        if m["budget_type"] != "partage" and m["budget_commun"] != "":
            c.append(Constat(ERREUR, "mesures.csv", ligne, "budget_commun", m["budget_commun"], "seul un budget de type « partage » renvoie à un budget commun"))

    # Organisations
    orgs = t["organisations.csv"]
    c += _references("mesures_organisations.csv", t["mesures_organisations.csv"], "organisation", set(orgs["organisation"]), "organisation")
    porteurs = set(t["mesures_organisations.csv"].query("role == 'porteur'")["mesure"])
    for i, m in _lignes(mesures):
        if m["mesure"] not in porteurs:
            c.append(Constat(ERREUR, "mesures.csv", ligne_fichier(i, "mesures.csv"), "mesure", m["mesure"], "la mesure n'a aucun porteur dans mesures_organisations.csv"))
    for i, o in _lignes(orgs):
        if o["type"] == "sigle" and o["nom"] == "":
            c.append(Constat(AVERTISSEMENT, "organisations.csv", ligne_fichier(i, "organisations.csv"), "nom", "", f"nom complet inconnu pour le sigle {o['organisation']} (le rapport ne le développe pas)"))

    # Recommandations
    recos = t["recommandations.yml"]
    numeros = sorted(int(n) for n in recos["numero"])
    attendus = list(range(1, len(numeros) + 1))
    if numeros != attendus:
        c.append(Constat(ERREUR, "recommandations.yml", None, "numero", None, "les recommandations doivent être numérotées de 1 à N sans trou"))
    valides = {str(n) for n in numeros}
    liens = t["mesures_recommandations.csv"]
    c += [
        Constat(ERREUR, "mesures_recommandations.csv", ligne_fichier(i, "mesures_recommandations.csv"), "recommandation", v, f"numéro de recommandation hors de 1 à {len(numeros)}")
        for i, v in liens["recommandation"].items()
        if v not in valides
    ]
    avec_liens = set(liens["mesure"])
    for i, m in _lignes(mesures):
        ligne = ligne_fichier(i, "mesures.csv")
        if m["liens_recommandations"] == "connus" and m["mesure"] not in avec_liens:
            c.append(Constat(ERREUR, "mesures.csv", ligne, "liens_recommandations", "connus", "liens déclarés connus, mais aucune ligne dans mesures_recommandations.csv"))
        if m["liens_recommandations"] != "connus" and m["mesure"] in avec_liens:
            c.append(Constat(ERREUR, "mesures.csv", ligne, "liens_recommandations", m["liens_recommandations"], "liens déclarés non connus, mais mesures_recommandations.csv en contient"))
    inconnus = mesures.loc[mesures["liens_recommandations"] == "inconnus", "mesure"].tolist()
    if inconnus:
        c.append(Constat(AVERTISSEMENT, "mesures.csv", None, "liens_recommandations", "inconnus",
                         f"{len(inconnus)} mesure(s) sans liens connus vers les recommandations ({', '.join(inconnus)}) : le texte source ne les imprime pas"))

    # Livrables et statuts
    livrables = t["livrables.csv"]
    cles_livrables = set(zip(livrables["mesure"], livrables["ordre"]))
    ev_liv = t["statuts_livrables.csv"]
    for i, e in _lignes(ev_liv):
        if e["mesure"] in ids_mesures and (e["mesure"], e["ordre"]) not in cles_livrables:
            c.append(Constat(ERREUR, "statuts_livrables.csv", ligne_fichier(i, "statuts_livrables.csv"), "ordre", e["ordre"], f"aucun livrable n° {e['ordre']} pour la mesure {e['mesure']} dans livrables.csv"))

    vocab = t["statuts.csv"]
    for fichier, objet in (("statuts_mesures.csv", "mesure"), ("statuts_livrables.csv", "livrable")):
        permis = vocab.loc[vocab["objet"] == objet, "statut"].tolist()
        for i, v in t[fichier]["statut"].items():
            if v not in permis:
                c.append(Constat(ERREUR, fichier, ligne_fichier(i, fichier), "statut", v, f"statut hors du vocabulaire des {objet}s : {', '.join(permis)}"))

    c += _regle_note_justificative(t)

    # Éditions publiées : les nombres d'une édition totalisent le total annoncé.
    pub = t["editions_publiees.csv"]
    for (edition, objet), groupe in pub.groupby(["edition", "objet"]):
        somme = sum(int(n) for n in groupe["nombre"])
        totaux = set(groupe["total"])
        if len(totaux) != 1 or somme != int(next(iter(totaux))):
            c.append(Constat(ERREUR, "editions_publiees.csv", ligne_fichier(int(groupe.index[0]), "editions_publiees.csv"), "nombre", str(somme),
                             f"édition {edition}, {objet}s : la somme des nombres doit égaler le total ({', '.join(sorted(totaux))})"))
    return c


def _regle_note_justificative(t: dict[str, pd.DataFrame]) -> list[Constat]:
    """Une mesure « Réalisée » dont des livrables ne sont pas réalisés à la même date exige une note.

    Les mesures en défaut sont d'abord repérées d'un coup pour chaque date d'événement (il y en a
    une par édition) ; seules celles-là relisent leurs propres livrables pour le détail du
    message. Filtrer la table entière pour chaque événement coûtait un temps quadratique.
    """
    vocab = t["statuts.csv"]
    cat_liv = dict(zip(vocab.loc[vocab["objet"] == "livrable", "statut"], vocab.loc[vocab["objet"] == "livrable", "categorie"]))
    notes = dict(zip(t["mesures.csv"]["mesure"], t["mesures.csv"]["note"]))
    ev_liv = t["statuts_livrables.csv"]
    ev_mes = t["statuts_mesures.csv"]
    a_verifier = ev_mes[(ev_mes["statut"] == STATUT_MESURE_REALISEE) & (ev_mes["mesure"].map(lambda m: notes.get(m, "x")) == "")]
    en_defaut: dict[str, set[str]] = {}  # date -> mesures dont un livrable n'est pas réalisé à cette date
    for date in a_verifier["date"].unique():
        # Dernier événement de chaque livrable au plus tard à la date (unique : schéma mesure, ordre, date).
        derniers = ev_liv[ev_liv["date"] <= date].sort_values("date", kind="stable").drop_duplicates(["mesure", "ordre"], keep="last")
        en_defaut[date] = set(derniers.loc[derniers["statut"].map(cat_liv) != "realise", "mesure"])
    suspects = {m for ms in en_defaut.values() for m in ms}
    par_mesure = {m: g for m, g in ev_liv[ev_liv["mesure"].isin(suspects)].groupby("mesure", sort=False)}
    constats = []
    for i, e in _lignes(a_verifier):
        if e["mesure"] not in en_defaut[e["date"]]:
            continue
        evenements = par_mesure[e["mesure"]]
        a_date = evenements[evenements["date"] <= e["date"]]
        derniers = a_date.sort_values("date").groupby("ordre").tail(1)
        non_realises = derniers[derniers["statut"].map(cat_liv) != "realise"]
        if len(non_realises):
            detail = ", ".join(f"n° {o} ({s})" for o, s in zip(non_realises["ordre"], non_realises["statut"]))
            constats.append(Constat(ERREUR, "statuts_mesures.csv", ligne_fichier(i, "statuts_mesures.csv"), "statut", e["statut"],
                                    f"la mesure {e['mesure']} est « Réalisée » au {e['date']} alors que des livrables ne sont pas réalisés ({detail}) : ajouter une note justificative dans mesures.csv"))
    return constats
