"""Aide ponctuelle à la transcription du Deuxième rapport de mise en œuvre (2024).

Ce script n'est PAS une pièce de la construction du rapport : il a servi une seule fois
à produire un premier jet des fichiers de `data/` à partir du texte extrait du PDF
(`tests/publie/rapport-2024.txt`). Chaque ligne produite a ensuite été
relue contre la source ; les corrections manuelles nécessaires sont codées ici de façon
explicite (tables `LIBELLES_MULTIMOTS`, `STATUTS_DEDUITS`, etc.) et documentées dans
`data/README.md`.

Les fichiers de `data/` font foi : ne relancez ce script que pour refaire la transcription
de 2024 depuis zéro (il écrase les fichiers qu'il produit).

Usage : .venv/bin/python outils/extraire_donnees.py [chemin_du_texte_source]
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import yaml

RACINE = Path(__file__).resolve().parent.parent
DATA = RACINE / "data"
SOURCE_DEFAUT = RACINE / "tests" / "publie" / "rapport-2024.txt"

DATE = "2024-09-01"
SOURCE_FICHE = "Deuxième rapport de mise en œuvre (2024), fiche de la mesure"
PREFIXE_DEDUIT = "Deuxième rapport (2024) ; en-tête perdu dans le texte source : "

# Ordre des mesures dans le rapport.
IDS = [str(i) for i in range(1, 34)] + ["additionnelle", "A1", "A2", "A3", "A4"]

TITRES_AXES = [
    "EN MATIÈRE DE RECHERCHE",
    "EN MATIÈRE DE COMMUNICATION ET DE SENSIBILISATION",
    "EN MATIÈRE DE PRÉVENTION ET DE FORMATION",
    "EN MATIÈRE DE RÉPRESSION",
    "EN MATIÈRE DE RECONSTRUCTION ET DE RÉHABILITATION",
    "MESURES SPÉCIFIQUES AUX PREMIÈRES NATIONS ET AUX INUIT",
]

# Libellés d'organisations de plus d'un mot, tels qu'imprimés dans les fiches
# (les cellules du tableau ne séparent les organisations que par des espaces).
LIBELLES_MULTIMOTS = [
    "MO partenaires du plan d'action",
    "Milieux universitaire et de la recherche",
    "Organisations du milieu communautaire",
    "Milieu universitaire",
    "Instituts universitaires jeunesse",
    "Organismes communautaires",
    "Réseau d'enseignement collégial",
    "Cour du Québec",
    "Conseil de la magistrature",
    "Fédération des cégeps",
    "Réseau des CAVAC",
    "Chaire de recherche du Canada sur le placement et la réadaptation des adolescentes "
    "et des jeunes femmes en difficulté",
    "Le Phare des AffranchiEs",
    "Groupes de la société civile et organismes communautaires œuvrant auprès des victimes",
    "Maison de Marthe",
    "La CLES",
    "Communautés autochtones",
    "Conseils de bande",
    "Services policiers autochtones",
    "Organismes de santé communautaire",
    "Organisations de la société civile autochtone",
]
# Libellés d'un seul mot qui ne sont pas des sigles.
LIBELLES_UN_MOT = {"Équijustice"}

# Mesures dont la ligne d'en-tête (« MESURE N° x – STATUT  En réponse à … ») a été perdue
# dans le texte source : le statut est déduit (voir data/README.md).
DEDUIT_LIVRABLES_REALISES = "statut déduit de ses livrables (tous réalisés)"
DEDUIT_NOTE = "statut déduit de la note en astérisque (mesure considérée comme réalisée)"
DEDUIT_AUCUN = "statut déduit de ses livrables (aucun n'est réalisé, certains sont en cours)"
DEDUIT_CERTAINS = "statut déduit de ses livrables (certains sont encore en cours)"
STATUTS_DEDUITS = {
    "11": ("Réalisée", DEDUIT_LIVRABLES_REALISES),
    "12": ("Réalisée", DEDUIT_LIVRABLES_REALISES),
    "13": ("Réalisée", DEDUIT_LIVRABLES_REALISES),
    "14": ("Réalisée", DEDUIT_LIVRABLES_REALISES),
    "16": ("Réalisée", DEDUIT_LIVRABLES_REALISES),
    "17": ("En cours", DEDUIT_AUCUN),
    "18": ("En cours", DEDUIT_AUCUN),
    "19": ("En cours", DEDUIT_AUCUN),
    "20": ("En cours", DEDUIT_AUCUN),
    "24": ("En cours", DEDUIT_AUCUN),
    "25": ("Réalisée", DEDUIT_NOTE),
    "31": ("En cours", DEDUIT_CERTAINS),
    "32": ("Réalisée", DEDUIT_LIVRABLES_REALISES),
    "33": ("Réalisée", DEDUIT_NOTE),
    "A3": ("En cours", DEDUIT_AUCUN),
}

STATUTS_ENTETE = {
    "EN COURS": "En cours",
    "RÉALISÉE": "Réalisée",
    "RÉALISÉE*": "Réalisée",
    "RÉALISÉE (en partie)": "Réalisée (en partie)",
    "À RÉALISER": "À réaliser",
}
STATUTS_LIVRABLES = {"Réalisé", "Réalisé (récurrent)", "Réalisé (en partie)", "En cours", "À venir"}

# Sigles employés dans le texte sans figurer dans la liste des acronymes.
# (sigle, nom, source) ; nom vide quand le rapport ne le développe pas.
SIGLES_HORS_LISTE = [
    ("PACSESM",
     "Plan d'action gouvernemental 2021-2026 en réponse aux recommandations de la Commission "
     "spéciale sur l'exploitation sexuelle des mineurs",
     "texte du rapport (développé au Message du ministre, 1er paragraphe)"),
    ("CIUSSS", "", "non développé dans le rapport"),
    ("C³ESSES", "", "non développé dans le rapport"),
    ("DPJ", "", "non développé dans le rapport"),
    ("GRC", "", "non développé dans le rapport"),
    ("ONU", "", "non développé dans le rapport"),
    ("UNESCO", "", "non développé dans le rapport"),
]


def nettoyer(texte: str) -> str:
    """Conversions de balisage demandées : <i>x</i> -> *x*, \\$ -> $, ^{x} -> ^x^."""
    texte = re.sub(r"<i>(.*?)</i>", r"*\1*", texte)
    texte = texte.replace("\\$", "$")
    texte = re.sub(r"\^\{([^}]*)\}", r"^\1^", texte)
    texte = texte.replace("C ³ ESSES", "C³ESSES")  # artefact d'extraction du tableau
    return texte


def montant(texte: str) -> int:
    chiffres = re.sub(r"[^\d]", "", texte.replace("\\$", ""))
    return int(chiffres)


def decouper_organisations(cellule: str, sigles: set[str]) -> list[str]:
    cellule = cellule.strip()
    if cellule == "S. O.":
        return []
    resultat: list[str] = []
    reste = cellule
    while reste:
        for libelle in sorted(LIBELLES_MULTIMOTS, key=len, reverse=True):
            if reste == libelle or reste.startswith(libelle + " "):
                resultat.append(libelle)
                reste = reste[len(libelle):].strip()
                break
        else:
            mot, _, reste = reste.partition(" ")
            reste = reste.strip()
            if mot not in sigles and mot not in LIBELLES_UN_MOT:
                raise ValueError(f"Libellé non reconnu : {mot!r} dans {cellule!r}")
            resultat.append(mot)
    return resultat


def lire_acronymes(lignes: list[str]) -> list[tuple[str, str]]:
    debut = lignes.index("LISTE DES ACRONYMES")
    acronymes = []
    for ligne in lignes[debut + 1:]:
        if "\t" in ligne:
            nom, sigle = ligne.split("\t")
            acronymes.append((sigle.strip(), nom.strip()))
    return acronymes


def lire_axes(lignes: list[str]) -> tuple[list[dict], list[int]]:
    axes, positions = [], []
    for n, titre in enumerate(TITRES_AXES, start=1):
        i = lignes.index(titre)
        positions.append(i)
        j = i + 1
        while not lignes[j].strip():
            j += 1
        slogan = lignes[j].strip()
        paragraphes = []
        j += 1
        while not lignes[j].startswith("MESURE "):
            if lignes[j].strip():
                paragraphes.append(nettoyer(lignes[j].strip()))
            j += 1
        axes.append({"axe": n, "titre": titre, "slogan": slogan,
                     "objectif": "\n\n".join(paragraphes)})
    return axes, positions


def lire_mesures(lignes: list[str], sigles: set[str], positions_axes: list[int]) -> list[dict]:
    entetes = [i for i, l in enumerate(lignes) if re.match(r"^PORTEURS?\t", l)]
    assert len(entetes) == len(IDS), len(entetes)
    mesures = []
    for ordre, (ident, i) in enumerate(zip(IDS, entetes), start=1):
        # Titre : ligne non vide précédente ; en-tête : celle d'avant si « MESURE … ».
        k = i - 1
        while not lignes[k].strip():
            k -= 1
        titre = nettoyer(lignes[k].split("\t")[0].strip())
        entete = lignes[k - 1] if lignes[k - 1].startswith("MESURE ") else None
        m = {"mesure": ident, "ordre": ordre, "ligne": k + 1, "titre": titre}
        m["axe"] = max(n for n, p in enumerate(positions_axes, start=1) if p < i)
        if entete:
            gauche, _, droite = entete.partition("\t\t")
            num, _, statut = gauche.partition(" – ")
            attendu = {"additionnelle": "MESURE ADDITIONNELLE"}.get(
                ident, f"MESURE N° {ident}" if ident.isdigit() else f"MESURE {ident}")
            assert num == attendu, (num, attendu)
            m["statut"] = STATUTS_ENTETE[statut.strip()]
            m["source_statut"] = SOURCE_FICHE
            droite = droite.strip()
            if droite == "Initiative gouvernementale":
                m["liens"] = "initiative gouvernementale"
                m["recommandations"] = []
            else:
                assert droite.startswith("En réponse"), droite
                m["liens"] = "connus"
                apres = re.split(r"recommandations?", droite, maxsplit=1)[1]
                m["recommandations"] = [int(x) for x in re.findall(r"\d+", apres)]
        else:
            statut, raison = STATUTS_DEDUITS[ident]
            m["statut"] = statut
            m["source_statut"] = PREFIXE_DEDUIT + raison
            m["liens"] = "inconnus"
            m["recommandations"] = []
        # Ligne porteurs / collaborateurs / budget.
        porteurs, collaborateurs, budget = lignes[i + 1].split("\t")
        m["porteurs"] = decouper_organisations(porteurs, sigles)
        m["collaborateurs"] = decouper_organisations(collaborateurs, sigles)
        budget = budget.strip()
        if budget == "Autofinancé":
            m["budget_type"], m["budget"], m["budget_commun"] = "autofinance", "", ""
        elif "partagés" in budget:
            m["budget_type"], m["budget"], m["budget_commun"] = "partage", "", "communication"
            m["montant_partage"] = montant(budget.split("partagés")[0])
        else:
            m["budget_type"], m["budget"], m["budget_commun"] = "montant", montant(budget), ""
        # Livrables.
        assert lignes[i + 2].startswith("LIVRABLE"), lignes[i + 2]
        j = i + 3
        m["livrables"] = []
        while lignes[j].strip():
            texte, statut = [x.strip() for x in lignes[j].split("\t\t")]
            if texte != "S. O.":
                assert statut in STATUTS_LIVRABLES, statut
                m["livrables"].append((nettoyer(texte), statut))
            j += 1
        # Note en astérisque éventuelle.
        while not lignes[j].strip():
            j += 1
        m["note"] = lignes[j][2:].strip() if lignes[j].startswith("* Il est à noter") else ""
        mesures.append(m)
    return mesures


def lire_recommandations(lignes: list[str]) -> list[dict]:
    debut = next(i for i, l in enumerate(lignes) if l.startswith("ANNEXE 1") and "\t" not in l)
    fin = next(i for i, l in enumerate(lignes) if l.startswith("ANNEXE 2") and "\t" not in l)
    recos, courant = [], None
    for ligne in lignes[debut + 1:fin]:
        m = re.match(r"^Recommandation n° (\d+)$", ligne.strip())
        if m:
            courant = {"numero": int(m.group(1)), "lignes": []}
            recos.append(courant)
        elif courant is not None:
            courant["lignes"].append(ligne.rstrip())
    resultat = []
    for r in recos:
        blocs, bloc = [], []
        for l in r["lignes"] + [""]:
            if l.strip():
                bloc.append(nettoyer(l.strip()))
            elif bloc:
                blocs.append(bloc)
                bloc = []
        # Une ligne vide au milieu d'une liste à puces (saut de page, rec. 22) : on rejoint.
        fusion: list[list[str]] = []
        for b in blocs:
            if fusion and all(x.startswith("- ") for x in fusion[-1]) and all(
                    x.startswith("- ") for x in b):
                fusion[-1].extend(b)
            else:
                fusion.append(b)
        texte = "\n\n".join("\n".join(b) for b in fusion)
        resultat.append({"numero": r["numero"], "texte": texte})
    assert [r["numero"] for r in resultat] == list(range(1, 59))
    return resultat


def lire_comite(lignes: list[str]) -> list[dict]:
    debut = next(i for i, l in enumerate(lignes) if l.startswith("ANNEXE 2") and "\t" not in l)
    membres = []
    for ligne in lignes[debut + 1:]:
        if ligne.startswith("³"):
            break
        if ligne.startswith("- "):
            nom = ligne[2:].strip().strip("*").strip().rstrip(";.").strip()
            porteur = "(ministère porteur)" in nom
            nom = nom.replace("(ministère porteur)", "").strip()
            membres.append({"ordre": len(membres) + 1, "organisation_nom": nom,
                            "porteur": "true" if porteur else "false"})
    return membres


# --- écriture -------------------------------------------------------------------------

def ecrire_csv(nom: str, colonnes: list[str], lignes: list[dict]) -> None:
    with open(DATA / nom, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=colonnes, quoting=csv.QUOTE_MINIMAL,
                           lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(lignes)


def scalaire(valeur) -> str:
    return yaml.safe_dump(valeur, allow_unicode=True, default_flow_style=True,
                          width=10_000).strip().removesuffix("\n...").removesuffix("...").strip()


def bloc(texte: str, indentation: str) -> str:
    return "|\n" + "\n".join((indentation + l) if l else "" for l in texte.split("\n"))


def ecrire_yaml(nom: str, items: list[dict], cle_bloc: str, entete: str) -> None:
    sortie = [entete]
    for item in items:
        premiere = True
        for cle, valeur in item.items():
            prefixe = "- " if premiere else "  "
            premiere = False
            if cle == cle_bloc:
                sortie.append(f"{prefixe}{cle}: {bloc(valeur, '    ')}")
            else:
                sortie.append(f"{prefixe}{cle}: {scalaire(valeur)}")
    (DATA / nom).write_text("\n".join(sortie) + "\n", encoding="utf-8")
    relu = yaml.safe_load((DATA / nom).read_text(encoding="utf-8"))
    for a, b in zip(relu, items):
        for cle in b:
            attendu = b[cle] + "\n" if cle == cle_bloc else b[cle]
            assert a[cle] == attendu, (nom, cle, a[cle], b[cle])


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE_DEFAUT
    lignes = source.read_text(encoding="utf-8").split("\n")
    DATA.mkdir(exist_ok=True)

    acronymes = lire_acronymes(lignes)
    sigles = {s for s, _ in acronymes}
    axes, positions = lire_axes(lignes)
    mesures = lire_mesures(lignes, sigles, positions)

    ecrire_yaml("axes.yml", axes, "objectif",
                "# Axes d'intervention du plan (Deuxième rapport de mise en œuvre, 2024).")

    ecrire_csv("mesures.csv", ["mesure", "ordre", "axe", "titre", "budget_type", "budget",
                               "budget_commun", "note", "liens_recommandations"],
               [{**m, "liens_recommandations": m["liens"]} for m in mesures])

    partages = {m["montant_partage"] for m in mesures if m["budget_type"] == "partage"}
    assert len(partages) == 1
    ecrire_csv("budgets_communs.csv", ["budget_commun", "montant", "description"],
               [{"budget_commun": "communication", "montant": partages.pop(),
                 "description": "Budget partagé pour les mesures nos 3, 4, 5, 7, A1 et A2"}])

    orgs = []
    for m in mesures:
        for role, cle in (("porteur", "porteurs"), ("collaborateur", "collaborateurs")):
            for k, o in enumerate(m[cle], start=1):
                orgs.append({"mesure": m["mesure"], "role": role, "ordre": k,
                             "organisation": o})
    ecrire_csv("mesures_organisations.csv", ["mesure", "role", "ordre", "organisation"], orgs)

    noms_liste = dict(acronymes)
    table = {}
    for sigle, nom in acronymes:
        table[sigle] = {"organisation": sigle, "nom": nom, "type": "sigle",
                        "source": "liste des acronymes"}
    for sigle, nom, src in SIGLES_HORS_LISTE:
        table[sigle] = {"organisation": sigle, "nom": nom, "type": "sigle", "source": src}
    for o in orgs:
        lib = o["organisation"]
        if lib in table:
            continue
        if lib == "La CLES":
            table[lib] = {"organisation": lib, "nom": noms_liste["CLES"], "type": "sigle",
                          "source": "liste des acronymes (CLES)"}
        else:
            table[lib] = {"organisation": lib, "nom": lib, "type": "groupe",
                          "source": "fiche de mesure"}
    ecrire_csv("organisations.csv", ["organisation", "nom", "type", "source"],
               list(table.values()))

    ecrire_csv("mesures_recommandations.csv", ["mesure", "recommandation"],
               [{"mesure": m["mesure"], "recommandation": r}
                for m in mesures for r in m["recommandations"]])

    ecrire_csv("livrables.csv", ["mesure", "ordre", "livrable"],
               [{"mesure": m["mesure"], "ordre": k, "livrable": t}
                for m in mesures for k, (t, _) in enumerate(m["livrables"], start=1)])

    statuts = [
        ("mesure", "Réalisée", 1, "realise", "Réalisées"),
        ("mesure", "Réalisée (en partie)", 2, "realise", "Réalisées"),
        ("mesure", "En cours", 3, "en_cours", "En cours"),
        ("mesure", "À réaliser", 4, "a_faire", "À réaliser"),
        ("livrable", "Réalisé", 1, "realise", "Réalisés"),
        ("livrable", "Réalisé (récurrent)", 2, "realise", "Réalisés"),
        ("livrable", "Réalisé (en partie)", 3, "realise_en_partie", "Réalisés en partie"),
        ("livrable", "En cours", 4, "en_cours", "En cours"),
        ("livrable", "À venir", 5, "a_faire", "À venir"),
    ]
    cols = ["objet", "statut", "ordre", "categorie", "libelle_categorie"]
    ecrire_csv("statuts.csv", cols, [dict(zip(cols, s)) for s in statuts])

    ecrire_csv("statuts_mesures.csv", ["mesure", "date", "statut", "source"],
               [{"mesure": m["mesure"], "date": DATE, "statut": m["statut"],
                 "source": m["source_statut"]} for m in mesures])

    ecrire_csv("statuts_livrables.csv", ["mesure", "ordre", "date", "statut", "source"],
               [{"mesure": m["mesure"], "ordre": k, "date": DATE, "statut": s,
                 "source": SOURCE_FICHE}
                for m in mesures for k, (_, s) in enumerate(m["livrables"], start=1)])

    ecrire_yaml("recommandations.yml", lire_recommandations(lignes), "texte",
                "# Recommandations de la Commission spéciale (annexe 1 du rapport de 2024).")

    ecrire_csv("comite_2020.csv", ["ordre", "organisation_nom", "porteur"], lire_comite(lignes))

    src = ("Deuxième rapport de mise en œuvre (2024), tableau « Progression de la mise en "
           "œuvre des mesures du plan d'action », ligne 2022")
    note = ("Le premier rapport (2022) comptait 37 mesures ; la mesure additionnelle (projet "
            "Sphères) a été intégrée au plan depuis. Nombres repris tels que publiés en 2024.")
    ecrire_csv("editions_publiees.csv",
               ["edition", "objet", "categorie", "nombre", "total", "source", "note"],
               [{"edition": 2022, "objet": "mesure", "categorie": c, "nombre": n,
                 "total": 38, "source": src, "note": note}
                for c, n in (("en_cours", 35), ("realise", 1), ("a_faire", 2))])

    for m in mesures:
        print(m["mesure"], m["ligne"], m["axe"], m["statut"], m["liens"],
              m["recommandations"], m["porteurs"], m["collaborateurs"], sep=" | ")


if __name__ == "__main__":
    main()
