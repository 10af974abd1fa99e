"""Plans d'action synthétiques, reproductibles, pour mesurer la construction à grande échelle.

    .venv/bin/python benchmarks/synthetique.py --mesures 1000 --graine 0 DOSSIER

Le plan réel compte 38 mesures : trop peu pour voir un calcul qui croît plus vite que le
nombre de mesures. Ce module écrit un plan de N mesures qui a la forme du vrai (six axes,
livrables, statuts datés de 2022 et de 2024, porteurs et collaborateurs réels, budgets des
trois types dont des enveloppes partagées, liens vers les recommandations, notes exigées par
la validation) et des textes français de longueur réaliste qui exercent la typographie
(accents, apostrophes, « guillemets », deux-points, pourcentages, montants en dollars).
Tout découle de la graine : même graine, mêmes octets.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
from pathlib import Path

import nbformat
import yaml

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE))

from bilan.config import DONNEES, NOTEBOOKS, PARAMETRES  # noqa: E402

#: Fichiers de data/ repris tels quels : vocabulaire, organisations, axes et comité ne
#: dépendent pas du nombre de mesures.
COPIES = ("axes.yml", "statuts.csv", "organisations.csv", "comite_2020.csv", "plan.yml")

#: Part des mesures de chaque axe dans le plan réel (2, 7, 13, 5, 7 et 4 mesures sur 38).
PARTS_AXES = (2, 7, 13, 5, 7, 4)
#: Recommandations par mesure dans le plan réel (58 pour 38) : l'annexe grandit avec le plan.
RECOMMANDATIONS_PAR_MESURE = 58 / 38

DATE_2022 = "2022-09-01"
DATE_2024 = "2024-09-01"
EDITION = "2024"

# --- Vocabulaire des textes -------------------------------------------------------------------

VERBES = (
    "Soutenir", "Élaborer", "Déployer", "Bonifier", "Mettre en œuvre", "Évaluer", "Consolider",
    "Développer", "Documenter", "Coordonner", "Financer", "Instaurer", "Accroître", "Réviser",
    "Promouvoir", "Outiller", "Systématiser", "Renforcer",
)
OBJETS = (
    "un programme de prévention destiné aux jeunes de 12 à 17 ans",
    "des outils de sensibilisation à l'exploitation sexuelle",
    "une formation continue à l'intention des intervenantes et intervenants",
    "l'offre de services spécialisés aux personnes victimes et à leurs proches",
    "la concertation régionale entre les milieux policier, judiciaire et communautaire",
    "un guide de pratiques sur l'échange de renseignements confidentiels",
    "la recherche sur les réalités méconnues de l'exploitation sexuelle",
    "l'accompagnement des personnes qui souhaitent sortir de la prostitution",
    "des campagnes de communication à l'échelle nationale",
    "les enquêtes visant les proxénètes et les clients abuseurs",
    "l’intervention de proximité dans le cyberespace",
    "le soutien financier aux organismes communautaires reconnus",
    "les pratiques d'accueil dans les palais de justice",
    "une stratégie adaptée aux réalités des Premières Nations et des Inuit",
)
COMPLEMENTS = (
    "dans l'ensemble des régions du Québec", "en collaboration avec les communautés autochtones",
    "d'ici le 31 mars 2026", "auprès des milieux scolaires et collégiaux",
    "avec l'appui des ministères et organismes partenaires", "selon les besoins exprimés sur le terrain",
    "à l'intention des familles d'accueil", "dans les milieux de l'hôtellerie et du transport",
    "en tenant compte des réalités propres aux garçons et aux personnes LGBTQ+",
    "pour joindre 75 % des établissements visés", "grâce à une enveloppe de 250\u00a0000 $",
    "notamment : écoles, centres jeunesse et maisons d'hébergement",
    "sous le thème « Apprenons à reconnaître les pièges »", "au moyen du programme *Lueur*",
    "à raison de 12\u00a0500$ par projet", "pour 40% des organismes admissibles",
    "dans le respect de l’autonomie des communautés", "à l'échelle municipale et régionale",
    "en français, en anglais et en langues autochtones", "avec un suivi annuel : bilan, indicateurs et reddition de comptes",
)
#: Compléments courts qui comblent la fin d'une phrase quand plus rien d'autre n'y tient.
LIANTS = ("au Québec", "en 2025", "à terme", "au besoin", "sans délai", "dès 2023")

DEBUTS_LIVRABLES = (
    "Production", "Diffusion", "Dépôt", "Réalisation", "Mise en ligne", "Création", "Évaluation",
    "Mise à jour", "Publication", "Adoption",
)
NOMS_LIVRABLES = (
    "d'un rapport de recherche", "d'un état de situation", "d'un guide d'intervention",
    "d'un portrait statistique", "d'une plateforme de formation en ligne", "d'un bilan annuel",
    "du programme de financement à la mission", "de la campagne « Je ne suis pas à vendre »",
    "d'une trousse d'outils pour les intervenants", "d'un projet pilote", "des travaux du comité d'experts",
    "d'un répertoire des ressources d’aide", "d'une entente de collaboration",
)
PRECISIONS_LIVRABLES = (
    "– volet autochtone", "– rapport préliminaire", "– rapport final", ": phase 2",
    "(2023-2024)", "pour 60 % des régions", "de 1,5 million de dollars", "– capsules 1 à 6",
    "à l’intention des parents", "d'une valeur de 460\u00a0000 $", "en milieu collégial",
)

DEBUTS_NOTES = (
    "Bien que certains livrables soient toujours en cours, cette mesure est considérée comme réalisée",
    "Le financement prévu ayant été entièrement versé, la mesure est considérée comme réalisée",
    "L'essentiel des travaux étant terminé, la mesure est jugée réalisée",
)
SUITES_NOTES = (
    "le livrable restant relève désormais du fonctionnement courant du ministère",
    "les activités se poursuivront de façon récurrente",
    "le dernier rapport sera déposé à l’automne 2025",
    "85 % des sommes prévues ont été engagées",
    "une somme de 125\u00a0000 $ demeure réservée au suivi",
    "les organismes visés ont confirmé la poursuite du service",
)

SUJETS_RECOMMANDATIONS = (
    "le gouvernement du Québec", "le ministère de la Sécurité publique", "le ministère de la Justice",
    "chaque ministère concerné", "la Sûreté du Québec",
)
ACTIONS_RECOMMANDATIONS = (
    "mette en place un mécanisme de suivi", "finance de façon récurrente les organismes spécialisés",
    "adopte une approche fondée sur les droits des victimes", "bonifie la formation initiale et continue",
    "crée un registre des interventions", "s'assure de la cohérence des actions entreprises",
    "consacre au moins 10 % de l'enveloppe à la prévention", "réserve une somme de 2\u00a0000\u00a0000 $ à la recherche",
    "reconnaisse la Semaine nationale de la lutte contre l’exploitation sexuelle des mineurs",
)
PUCES = (
    "Les intervenantes et les intervenants du réseau de la santé et des services sociaux",
    "Le personnel de première ligne dans les communautés autochtones",
    "Les procureures et les procureurs aux poursuites criminelles et pénales",
    "Le personnel policier et civil au sein des organisations policières",
    "Les organismes de loisirs : camps de jour, clubs sportifs et maisons des jeunes",
    "Les agentes et les agents des services correctionnels",
)


# --- Textes de longueur bornée ----------------------------------------------------------------

def _texte(rng: random.Random, debut: str, morceaux: tuple[str, ...], minimum: int, maximum: int, fin: str = ".") -> str:
    """Phrase de ``minimum`` à ``maximum`` caractères : ``debut``, morceaux tirés au hasard, ``fin``.

    On n'ajoute qu'un morceau qui tient encore sous le maximum, sans répéter ; les liants courts
    comblent la fin, si bien que la longueur tombe toujours dans l'intervalle demandé.
    """
    cible = rng.randint(minimum, maximum)
    texte = debut
    restants, liants = list(morceaux), list(LIANTS)
    while len(texte) + len(fin) < cible:
        place = maximum - len(texte) - len(fin) - 2
        candidats = [m for m in restants if len(m) <= place] or [m for m in liants if len(m) <= place] \
            or [m for m in LIANTS if len(m) <= place]
        if not candidats:
            break
        morceau = rng.choice(candidats)
        for pool in (restants, liants):
            if morceau in pool:
                pool.remove(morceau)
        texte += (", " if morceau in LIANTS or rng.random() < 0.2 else " ") + morceau
    texte += fin
    assert minimum <= len(texte) <= maximum, (len(texte), texte)
    return texte


def _titre(rng: random.Random) -> str:
    """Phrase-titre d'une mesure (80 à 200 caractères), à l'infinitif comme le rapport."""
    debut = f"{rng.choice(VERBES)} {rng.choice(OBJETS)}"
    return _texte(rng, debut, COMPLEMENTS, 80, 200)


def _livrable(rng: random.Random) -> str:
    """Libellé de livrable (40 à 160 caractères)."""
    debut = f"{rng.choice(DEBUTS_LIVRABLES)} {rng.choice(NOMS_LIVRABLES)}"
    return _texte(rng, debut, PRECISIONS_LIVRABLES + COMPLEMENTS[:8], 40, 160, fin="")


def _note(rng: random.Random) -> str:
    """Note en astérisque (100 à 300 caractères), sans l'astérisque."""
    debut = f"{rng.choice(DEBUTS_NOTES)} : {rng.choice(SUITES_NOTES)}"
    return _texte(rng, debut, SUITES_NOTES + COMPLEMENTS, 100, 300)


def _recommandation(rng: random.Random) -> str:
    """Texte de recommandation (200 à 800 caractères) : un à trois paragraphes, parfois une liste."""
    cible = rng.randint(215, 800)  # 15 caractères de marge : _texte a besoin d'un intervalle
    debut = f"La Commission recommande que {rng.choice(SUJETS_RECOMMANDATIONS)} {rng.choice(ACTIONS_RECOMMANDATIONS)}"
    paragraphes = [_texte(rng, debut, COMPLEMENTS, 200 if cible <= 400 else 120, min(400, cible))]
    if cible - len(paragraphes[0]) > 400 and rng.random() < 0.5:
        puces = rng.sample(PUCES, rng.randint(2, 4))
        paragraphes += ["Que les milieux ciblés comprennent entre autres :", "\n".join(f"- {p}" for p in puces)]
    longueur = len("\n\n".join(paragraphes))
    reste = cible - longueur - 2
    if reste >= 150:
        paragraphes.append(_texte(rng, f"Que {rng.choice(SUJETS_RECOMMANDATIONS)} {rng.choice(ACTIONS_RECOMMANDATIONS)}", COMPLEMENTS, max(60, 200 - longueur - 2), min(reste, 400)))
    texte = "\n\n".join(paragraphes)
    assert 200 <= len(texte) <= 800, (len(texte), texte)
    return texte


# --- Tables -----------------------------------------------------------------------------------

def _lire_csv(chemin: Path) -> list[dict[str, str]]:
    with chemin.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _ecrire_csv(chemin: Path, colonnes: list[str], lignes: list[dict[str, object]]) -> None:
    """CSV comme ceux de data/ : UTF-8, virgules, fins de ligne LF, guillemets au besoin."""
    with chemin.open("w", encoding="utf-8", newline="") as f:
        ecrivain = csv.DictWriter(f, fieldnames=colonnes, lineterminator="\n")
        ecrivain.writeheader()
        ecrivain.writerows(lignes)


def _colonnes(nom: str) -> list[str]:
    """Colonnes du fichier réel : le plan synthétique garde exactement les mêmes."""
    with (DONNEES / nom).open(encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def _axes(mesures: int) -> list[int]:
    """Axe de chaque mesure 1…N : blocs contigus, proportionnels au plan réel (plus forts restes)."""
    total = sum(PARTS_AXES)
    exacts = [mesures * p / total for p in PARTS_AXES]
    nombres = [max(1, int(e)) for e in exacts]
    while sum(nombres) < mesures:
        i = max(range(6), key=lambda k: exacts[k] - nombres[k])
        nombres[i] += 1
    while sum(nombres) > mesures:
        i = max((k for k in range(6) if nombres[k] > 1), key=lambda k: nombres[k] - exacts[k])
        nombres[i] -= 1
    return [axe for axe, n in enumerate(nombres, start=1) for _ in range(n)]


# Rang d'avancement d'un livrable : il ne recule jamais de 2022 à 2024.
RANGS_LIVRABLES = {0: ("À venir",), 1: ("En cours",), 2: ("Réalisé (en partie)",), 3: ("Réalisé", "Réalisé (récurrent)")}


def _statut_livrable(rng: random.Random, rang: int) -> str:
    statuts = RANGS_LIVRABLES[rang]
    return statuts[0] if len(statuts) == 1 or rng.random() < 0.75 else statuts[1]


def _tirer(rng: random.Random, poids: dict[object, float]) -> object:
    return rng.choices(list(poids), weights=list(poids.values()))[0]


def generer(dossier: Path, mesures: int, graine: int = 0, recommandations: int | None = None) -> Path:
    """Écrit dans ``dossier`` un projet complet pour un plan synthétique de ``mesures`` mesures.

    ``dossier`` a la disposition de la racine du dépôt et peut servir de racine de projet :
    ``data/`` (tous les fichiers de data/, mêmes colonnes, validés par
    ``bilan.donnees.verifier``), ``params/2024.yml`` (copie de params/2024.yml dont l'édition
    précédente est datée du 1er septembre 2022, pour une comparaison calculée) et
    ``notebooks/`` (chapitres hors axes repris tels quels ; un notebook par axe dont les fiches
    viennent d'un seul appel ``ctx.fiches(n)``). L'appelant y copie le reste (``bilan/``,
    ``styles/``, ``_quarto.yml``) pour une construction complète.
    ``recommandations`` : 58 pour 38 mesures par défaut, comme le plan réel. Renvoie ``dossier``.
    """
    if mesures < len(PARTS_AXES):
        raise ValueError(f"Au moins {len(PARTS_AXES)} mesures : chaque axe doit en avoir une (reçu {mesures}).")
    rng = random.Random(graine)
    dossier = Path(dossier)
    data = dossier / "data"
    data.mkdir(parents=True, exist_ok=True)
    for nom in COPIES:
        shutil.copyfile(DONNEES / nom, data / nom)
    organisations = _lire_csv(DONNEES / "organisations.csv")
    nb_recos = recommandations or max(1, round(mesures * RECOMMANDATIONS_PAR_MESURE))
    source = f"Plan synthétique (graine {graine}), fiche de la mesure"

    ids = [str(i) for i in range(1, mesures + 1)]
    axes = _axes(mesures)

    # Budgets : des enveloppes partagées par 2 à 8 mesures dispersées (≈ 15 % des mesures).
    budget: dict[str, dict[str, str]] = {}
    communs = []
    libres = ids.copy()
    for k in range(1, max(1, round(mesures * 0.15 / 5)) + 1):
        if len(libres) < 2:
            break
        membres = sorted(rng.sample(libres, min(len(libres), rng.randint(2, 8))), key=int)
        for m in membres:
            libres.remove(m)
            budget[m] = {"budget_type": "partage", "budget": "", "budget_commun": f"enveloppe-{k}"}
        communs.append({"budget_commun": f"enveloppe-{k}", "montant": rng.randrange(500_000, 5_000_000, 1),
                        "description": f"Budget partagé pour les mesures nos {', '.join(membres[:-1])} et {membres[-1]}"})
    for m in libres:
        if rng.random() < 0.75:
            montant = min(80_000_000, max(40_000, int(rng.lognormvariate(14, 1.4)) // 100 * 100))
            budget[m] = {"budget_type": "montant", "budget": str(montant), "budget_commun": ""}
        else:
            budget[m] = {"budget_type": "autofinance", "budget": "", "budget_commun": ""}

    # Porteurs (surtout des ministères, le MSP d'abord) et collaborateurs tirés des organisations réelles.
    sigles = [o["organisation"] for o in organisations if o["type"] == "sigle" and o["nom"]]
    toutes = [o["organisation"] for o in organisations]
    liens_orgs = []
    for m in ids:
        porteurs = ["MSP"] if rng.random() < 0.6 else [rng.choice(sigles)]
        if rng.random() < 0.15:
            porteurs.append(rng.choice([s for s in sigles if s not in porteurs]))
        nb_collab = 0 if rng.random() < 0.1 else rng.randint(1, 8)
        collab = rng.sample([o for o in toutes if o not in porteurs], nb_collab)
        liens_orgs += [{"mesure": m, "role": "porteur", "ordre": i, "organisation": o} for i, o in enumerate(porteurs, 1)]
        liens_orgs += [{"mesure": m, "role": "collaborateur", "ordre": i, "organisation": o} for i, o in enumerate(collab, 1)]

    # Liens vers les recommandations : connus, initiative gouvernementale ou inconnus.
    etat_liens: dict[str, str] = {}
    liens_recos = []
    for m in ids:
        etat = _tirer(rng, {"connus": 0.75, "inconnus": 0.2, "initiative gouvernementale": 0.05})
        etat_liens[m] = str(etat)
        if etat == "connus":
            numeros = sorted(rng.sample(range(1, nb_recos + 1), min(nb_recos, _tirer(rng, {1: 5, 2: 3, 3: 1, 4: 1}))))
            liens_recos += [{"mesure": m, "recommandation": n, "source": source} for n in numeros]

    # Livrables (1 à 6, environ 3) et statuts datés : les livrables avancent de 2022 à 2024 ;
    # le statut de la mesure suit celui de ses livrables.
    livrables, ev_livrables, ev_mesures = [], [], []
    note_exigee: set[str] = set()
    for m in ids:
        n = int(_tirer(rng, {1: 15, 2: 25, 3: 25, 4: 18, 5: 10, 6: 7}))
        rangs_2022 = [int(_tirer(rng, {0: 35, 1: 50, 2: 2, 3: 13})) for _ in range(n)]
        rangs_2024 = [max(r, int(_tirer(rng, {0: 8, 1: 27, 2: 3, 3: 62}))) for r in rangs_2022]
        for date, rangs in ((DATE_2022, rangs_2022), (DATE_2024, rangs_2024)):
            if all(r == 3 for r in rangs):
                statut = "Réalisée"
            elif all(r == 0 for r in rangs):
                statut = "À réaliser"
            elif sum(r == 3 for r in rangs) * 4 >= 3 * n and rng.random() < 0.5:
                statut = "Réalisée"  # l'essentiel est fait : la note dira pourquoi
            elif any(r == 2 for r in rangs) and rng.random() < 0.5:
                statut = "Réalisée (en partie)"
            else:
                statut = "En cours"
            if statut == "Réalisée" and any(r != 3 for r in rangs):
                note_exigee.add(m)
            ev_mesures.append({"mesure": m, "date": date, "statut": statut, "source": source})
            ev_livrables += [{"mesure": m, "ordre": o, "date": date, "statut": _statut_livrable(rng, r), "source": source}
                             for o, r in enumerate(rangs, 1)]
        livrables += [{"mesure": m, "ordre": o, "livrable": _livrable(rng)} for o in range(1, n + 1)]
    # Une ligne par date, comme une nouvelle édition s'ajoute à la fin des fichiers.
    ev_mesures.sort(key=lambda e: e["date"])
    ev_livrables.sort(key=lambda e: e["date"])

    lignes_mesures = []
    for m, axe in zip(ids, axes):
        note = _note(rng) if m in note_exigee or rng.random() < 0.03 else ""
        lignes_mesures.append({"mesure": m, "ordre": m, "axe": axe, "titre": _titre(rng), **budget[m],
                               "note": note, "liens_recommandations": etat_liens[m]})

    # Édition de 2022 publiée : nombres tirés des statuts du 1er septembre 2022.
    categorie = {"Réalisée": "realise", "Réalisée (en partie)": "realise", "En cours": "en_cours", "À réaliser": "a_faire"}
    comptes = {"en_cours": 0, "realise": 0, "a_faire": 0}
    for e in ev_mesures:
        if e["date"] == DATE_2022:
            comptes[categorie[str(e["statut"])]] += 1
    publiees = [{"edition": 2022, "objet": "mesure", "categorie": c, "nombre": n, "total": mesures,
                 "source": f"Plan synthétique (graine {graine}), statuts au {DATE_2022}", "note": ""}
                for c, n in comptes.items()]

    for nom, lignes in (
        ("mesures.csv", lignes_mesures),
        ("budgets_communs.csv", communs),
        ("mesures_organisations.csv", liens_orgs),
        ("mesures_recommandations.csv", liens_recos),
        ("livrables.csv", livrables),
        ("statuts_mesures.csv", ev_mesures),
        ("statuts_livrables.csv", ev_livrables),
        ("editions_publiees.csv", publiees),
    ):
        _ecrire_csv(data / nom, _colonnes(nom), lignes)
    _ecrire_recommandations(data / "recommandations.yml", [_recommandation(rng) for _ in range(nb_recos)])
    (data / "README.md").write_text(
        f"# Plan synthétique\n\n{mesures} mesures, {len(livrables)} livrables, {nb_recos} recommandations, "
        f"produits par `benchmarks/synthetique.py` (graine {graine}). Ces faits sont inventés ; "
        "les colonnes sont celles du data/ réel (voir son README).\n", encoding="utf-8")

    _ecrire_parametres(dossier / "params")
    _ecrire_notebooks(dossier / "notebooks")
    return dossier


def _ecrire_recommandations(chemin: Path, textes: list[str]) -> None:
    """YAML comme data/recommandations.yml : blocs littéraux « | » indentés de quatre espaces."""
    lignes = ["# Recommandations synthétiques (benchmarks/synthetique.py)."]
    for numero, texte in enumerate(textes, 1):
        lignes += [f"- numero: {numero}", "  texte: |"]
        lignes += [f"    {l}" if l else "" for l in texte.split("\n")]
    chemin.write_text("\n".join(lignes) + "\n", encoding="utf-8")


def _ecrire_parametres(dossier: Path) -> None:
    """params/2024.yml réel, avec une édition précédente datée : la comparaison se calcule."""
    dossier.mkdir(parents=True, exist_ok=True)
    brut = yaml.safe_load((PARAMETRES / f"{EDITION}.yml").read_text(encoding="utf-8"))
    brut["date_reference"] = DATE_2024
    brut["edition_precedente"] = {"edition": 2022, "date_reference": DATE_2022}
    (dossier / f"{EDITION}.yml").write_text(
        "# Paramètres d'un plan synthétique : copie de params/2024.yml, édition précédente datée.\n"
        + yaml.safe_dump(brut, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")


def _ecrire_notebooks(dossier: Path) -> None:
    """Chapitres hors axes copiés ; pour chaque axe, l'en-tête du vrai chapitre puis ``ctx.fiches(n)``."""
    dossier.mkdir(parents=True, exist_ok=True)
    for chemin in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(chemin, as_version=4)
        entetes = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip().startswith("ctx.entete_axe(")]
        if not entetes:
            shutil.copyfile(chemin, dossier / chemin.name)
            continue
        axe = int(nb.cells[entetes[0]].source.strip()[len("ctx.entete_axe("):-1])
        nb.cells = nb.cells[: entetes[0] + 1]
        cellule = nbformat.v4.new_code_cell(f"ctx.fiches({axe})")
        cellule["id"] = "fiches"  # identifiant fixe : uuid aléatoire sinon, et les octets changeraient
        nb.cells.append(cellule)
        nbformat.write(nb, dossier / chemin.name)


def main() -> int:
    p = argparse.ArgumentParser(description="Écrire un plan d'action synthétique (data/, params/, notebooks/).")
    p.add_argument("dossier", type=Path, help="dossier à remplir (créé au besoin)")
    p.add_argument("--mesures", type=int, default=1000, help="nombre de mesures (≥ 6 ; défaut : 1000)")
    p.add_argument("--graine", type=int, default=0, help="graine du générateur (défaut : 0)")
    p.add_argument("--recommandations", type=int, default=None, help="nombre de recommandations (défaut : 58 pour 38 mesures)")
    args = p.parse_args()
    dossier = generer(args.dossier, args.mesures, args.graine, args.recommandations)
    print(f"Plan synthétique de {args.mesures} mesures (graine {args.graine}) écrit dans {dossier}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
