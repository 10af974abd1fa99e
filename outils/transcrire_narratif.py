"""Aide ponctuelle à la transcription du rapport publié en notebooks de chapitre.

Script ponctuel (one-off transcription aid), qui ne fait PAS partie de la construction :
il a servi une seule fois à produire les notebooks `notebooks/NN_*.ipynb` à partir du
texte du rapport publié (édition 2024). Désormais, les notebooks sont la source du texte
narratif : on les corrige directement et on ne relance pas ce script sur des notebooks
retouchés (il refuse d'écraser des fichiers existants sans `--ecraser`).

Ce que fait le script :

- découpe le texte source en chapitres d'après les titres imprimés ;
- ne garde que le texte narratif : le contenu des fiches (titre, porteurs, budget,
  livrables, note en astérisque), les tableaux, figures, annexes et la signature viennent
  des données par l'API `ctx` (voir docs/conception.md) ;
- convertit le balisage de la source en Markdown Pandoc (exposants `1^er^`, `n^os^`,
  puces `<p>` en listes) et recolle les paragraphes coupés par un saut de page ;
- remplace les nombres déterminés par les données par des `{{< var … >}}` ; chaque
  remplacement doit trouver exactement une occurrence, sinon le script échoue.

Usage :

    .venv/bin/python outils/transcrire_narratif.py CHEMIN/DU/TEXTE_SOURCE.txt [--ecraser]
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

RACINE = Path(__file__).resolve().parents[1]
DOSSIER_NOTEBOOKS = RACINE / "notebooks"

CELLULE_PARAMETRES = (
    'parametres: str = "params/2024.yml"'
    "  # fichier de paramètres de l'édition, relatif à la racine du projet"
)
CELLULE_CONTEXTE = "from bilan.contexte import Contexte\n\nctx = Contexte.charger(parametres)"

#: Mesures de chaque axe, dans l'ordre imprimé. Les titres des mesures 11-14, 16-20, 24,
#: 25, 31-33 et A3 ont été perdus dans la source : leur numéro découle de cet ordre.
MESURES_PAR_AXE: dict[int, list[str]] = {
    1: ["1", "2"],
    2: ["3", "4", "5", "6", "7", "8", "9"],
    3: [str(n) for n in range(10, 23)],
    4: ["23", "24", "25", "26", "27"],
    5: ["28", "29", "30", "31", "32", "33", "additionnelle"],
    6: ["A1", "A2", "A3", "A4"],
}

#: (fichier, titre imprimé, identifiant de section, axe ou None)
CHAPITRES: list[tuple[str, str, str, int | None]] = [
    ("02_introduction", "INTRODUCTION", "sec-introduction", None),
    ("03_bilan", "BILAN DE MISE EN ŒUVRE", "sec-bilan", None),
    ("04_axe1_recherche", "EN MATIÈRE DE RECHERCHE", "sec-axe-1", 1),
    ("05_axe2_communication", "EN MATIÈRE DE COMMUNICATION ET DE SENSIBILISATION", "sec-axe-2", 2),
    ("06_axe3_prevention", "EN MATIÈRE DE PRÉVENTION ET DE FORMATION", "sec-axe-3", 3),
    ("07_axe4_repression", "EN MATIÈRE DE RÉPRESSION", "sec-axe-4", 4),
    ("08_axe5_reconstruction", "EN MATIÈRE DE RECONSTRUCTION ET DE RÉHABILITATION", "sec-axe-5", 5),
    ("09_axe6_premieres_nations", "MESURES SPÉCIFIQUES AUX PREMIÈRES NATIONS ET AUX INUIT", "sec-axe-6", 6),
    ("10_conclusion", "CONCLUSION", "sec-conclusion", None),
    (
        "11_annexe1_recommandations",
        "ANNEXE 1 – Liste des recommandations mises de l’avant par la Commission spéciale "
        "sur l’exploitation sexuelle des mineurs",
        "sec-annexe-1",
        None,
    ),
    ("12_annexe2_comite", "ANNEXE 2 – Membres du comité interministériel constitué en 2020", "sec-annexe-2", None),
    ("13_acronymes", "LISTE DES ACRONYMES", "sec-acronymes", None),
]
TITRE_MESSAGE = "MESSAGE DU MINISTRE DE LA SÉCURITÉ PUBLIQUE"

SECTIONS_FICHE = ("État de mise en œuvre", "Prochaines étapes", "Faits saillants")

#: Remplacements des nombres déterminés par les données, par chapitre. Chaque motif
#: (après conversion des exposants) doit apparaître exactement une fois.
VARIABLES: dict[str, list[tuple[str, str]]] = {
    "01_presentation": [
        ("mais 58 % d'entre elles", "mais {{< var mesures.realise.pourcentage >}} d'entre elles"),
    ],
    "02_introduction": [
        ("comportant 58 recommandations¹", "comportant {{< var recommandations.total >}} recommandations[^1]"),
        (
            "contribution 18 ministères et organismes (MO)²",
            "contribution {{< var comite.membres >}} ministères et organismes (MO)[^2]",
        ),
        (
            "comporte 38 mesures, dont 4 formulées",
            "comporte {{< var mesures.total >}} mesures, dont {{< var mesures.axe6 >}} formulées",
        ),
        ("56 des 58 recommandations", "56 des {{< var recommandations.total >}} recommandations"),
    ],
    "03_bilan": [
        (
            "Au 1^er^ septembre 2024, plus de la moitié (58 %) des 38 mesures",
            "Au {{< var date_reference >}}, plus de la moitié ({{< var mesures.realise.pourcentage >}})"
            " des {{< var mesures.total >}} mesures",
        ),
        ("contre seulement 3 % il y a deux ans", "contre seulement {{< var precedente.realise.pourcentage >}} il y a deux ans"),
        ("bien que 42 % d'entre elles", "bien que {{< var mesures.en_cours.pourcentage >}} d'entre elles"),
        (
            "lors du premier bilan en 2022, 5 % des mesures",
            "lors du premier bilan en {{< var precedente.edition >}}, {{< var precedente.a_faire.pourcentage >}} des mesures",
        ),
        ("aux 94 livrables", "aux {{< var livrables.total >}} livrables"),
        ("2024, 9 livrables sur 10", "2024, {{< var livrables.sur_dix >}} livrables sur 10"),
        ("réalisés (59 %)", "réalisés ({{< var livrables.realise.pourcentage >}})"),
        ("de l'être (30 %)", "de l'être ({{< var livrables.en_cours.pourcentage >}})"),
        ("le tiers de plus qu'en 2022.", "le tiers de plus qu'en {{< var precedente.edition >}}."),
    ],
}

FIN_DE_PHRASE = tuple(".:;!?»)…")


# --------------------------------------------------------------------------- source


def blocs(lignes: list[str]) -> list[str]:
    """Regroupe les lignes en blocs séparés par des lignes vides (ou d'espaces)."""
    resultat: list[str] = []
    courant: list[str] = []
    for ligne in lignes:
        if ligne.strip():
            courant.append(ligne.rstrip())
        elif courant:
            resultat.append("\n".join(courant))
            courant = []
    if courant:
        resultat.append("\n".join(courant))
    return resultat


def recoller_sauts_de_page(paragraphes: list[str], journal: list[str]) -> list[str]:
    """Recolle un paragraphe coupé par un saut de page du PDF.

    Un bloc d'une ligne qui ne finit pas par une ponctuation finale, suivi d'un bloc qui
    commence par une minuscule, est la suite du même paragraphe.
    """
    resultat: list[str] = []
    for bloc in paragraphes:
        if (
            resultat
            and "\n" not in resultat[-1]
            and not resultat[-1].endswith(FIN_DE_PHRASE)
            and bloc[:1].islower()
        ):
            journal.append(f"recollé : « …{resultat[-1][-40:]} » + « {bloc[:40]}… »")
            resultat[-1] = f"{resultat[-1]} {bloc}"
        else:
            resultat.append(bloc)
    return resultat


_EXPOSANT = re.compile(r"(\S) ?\^(?:\{(\w+)\}|([a-z]+))")


def en_markdown(texte: str) -> str:
    """Convertit le balisage de la source en Markdown Pandoc (les `\\$` restent échappés)."""
    texte = _EXPOSANT.sub(lambda m: f"{m[1]}^{m[2] or m[3]}^", texte)
    texte = re.sub(r"^\s*<p>(.*?)</p>\s*$", r"- \1", texte, flags=re.M)
    texte = re.sub(r"<i>(.*?)</i>", r"*\1*", texte)
    return "\n".join(ligne.rstrip() for ligne in texte.splitlines())


def remplacer_variables(fichier: str, texte: str) -> str:
    for motif, remplacement in VARIABLES.get(fichier, []):
        nombre = texte.count(motif)
        if nombre != 1:
            raise SystemExit(f"{fichier} : « {motif} » trouvé {nombre} fois (attendu : 1)")
        texte = texte.replace(motif, remplacement)
    return texte


def decouper(texte: str) -> tuple[list[str], dict[str, list[str]]]:
    """Renvoie (blocs de la présentation et du message, blocs de chaque chapitre)."""
    lignes = texte.splitlines()
    debut_table = lignes.index("TABLE DES MATIÈRES")
    fin_table = debut_table + 1
    while fin_table < len(lignes) and (not lignes[fin_table].strip() or "\t" in lignes[fin_table]):
        fin_table += 1
    positions: list[int] = []
    for _, titre, _, _ in CHAPITRES:
        trouve = [
            i for i in range(fin_table, len(lignes)) if lignes[i].rstrip("³ ") == titre
        ]
        if len(trouve) != 1:
            raise SystemExit(f"titre « {titre} » trouvé {len(trouve)} fois après la table des matières")
        positions.append(trouve[0])
    if positions != sorted(positions):
        raise SystemExit("les chapitres ne sont pas dans l'ordre attendu")
    chapitres = {}
    for k, (fichier, _, _, _) in enumerate(CHAPITRES):
        fin = positions[k + 1] if k + 1 < len(positions) else len(lignes)
        chapitres[fichier] = blocs(lignes[positions[k] + 1 : fin])
    return blocs(lignes[:debut_table]), chapitres


# --------------------------------------------------------------------------- cellules


def code(source: str, identifiant: str, parametres: bool = False):
    cellule = new_code_cell(source)
    cellule.id = identifiant
    if parametres:
        cellule.metadata["tags"] = ["parameters"]
    return cellule


def texte_md(source: str, identifiant: str):
    cellule = new_markdown_cell(source)
    cellule.id = identifiant
    return cellule


def carnet(cellules: list) -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[code(CELLULE_PARAMETRES, "parametres", parametres=True), code(CELLULE_CONTEXTE, "contexte")]
        + cellules
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def titre_h1(titre: str, identifiant: str) -> str:
    # Le titre imprimé de l'annexe 1 a des apostrophes typographiques, le reste du texte
    # des apostrophes droites ; on uniformise (Quarto les rend toutes en ’).
    titre = titre.replace("’", "'")
    return f"# {titre} {{#{identifiant}}}"


# --------------------------------------------------------------------------- chapitres


def paragraphes_md(fichier: str, paragraphes: list[str], journal: list[str]) -> str:
    corps = "\n\n".join(en_markdown(p) for p in recoller_sauts_de_page(paragraphes, journal))
    return remplacer_variables(fichier, corps)


def chapitre_presentation(blocs_debut: list[str], journal: list[str]) -> list:
    i = blocs_debut.index(TITRE_MESSAGE)
    j = blocs_debut.index("ORIGINAL SIGNÉ")
    message = paragraphes_md("01_presentation", blocs_debut[i + 1 : j], journal)
    return [
        code("ctx.couverture()", "couverture"),
        code("ctx.colophon()", "colophon"),
        texte_md(f"{titre_h1(TITRE_MESSAGE, 'sec-message')}\n\n{message}", "message"),
        code("ctx.signature()", "signature"),
    ]


def chapitre_introduction(blocs_ch: list[str], journal: list[str]) -> list:
    notes = {"¹": "1", "²": "2"}
    corps, definitions = [], []
    for bloc in blocs_ch:
        if bloc[0] in notes:
            definitions.append(f"[^{notes[bloc[0]]}]: {bloc[1:].strip()}")
        else:
            corps.append(bloc)
    texte = paragraphes_md("02_introduction", corps, journal)
    return [texte_md(f"{titre_h1('INTRODUCTION', 'sec-introduction')}\n\n{texte}\n\n" + "\n\n".join(definitions), "texte")]


def chapitre_bilan(blocs_ch: list[str], journal: list[str]) -> list:
    idx = {b: k for k, b in enumerate(blocs_ch)}
    i_table = idx["Progression de la mise en œuvre des mesures du plan d'action"]
    i_fig = idx["Statut de mise en œuvre des mesures"]
    i_faits = idx["Quelques faits saillants depuis 2021..."]
    ouverture = blocs_ch[:i_table]
    # entre le titre du tableau et les figures : le tableau (lignes à tabulations) et un paragraphe
    avancees = [b for b in blocs_ch[i_table + 1 : i_fig] if "\t" not in b]
    faits = blocs_ch[i_faits + 1 :]
    liste = [b for b in faits if b.lstrip().startswith("<p>")]
    cloture = [b for b in faits if not b.lstrip().startswith("<p>")]
    if len(avancees) != 1 or len(cloture) != 1:
        raise SystemExit("structure inattendue du bilan")
    texte = "\n\n".join(
        [
            en_markdown("\n\n".join(ouverture)),
            "[[TABLEAU]]",
            en_markdown(avancees[0]),
            "[[FIGURES]]",
            "\n".join(en_markdown(b) for b in liste),
            en_markdown(cloture[0]),
        ]
    )
    texte = remplacer_variables("03_bilan", texte)
    ouverture_md, reste = texte.split("\n\n[[TABLEAU]]\n\n")
    avancees_md, reste = reste.split("\n\n[[FIGURES]]\n\n")
    liste_md, cloture_md = reste.rsplit("\n\n", 1)
    return [
        texte_md(f"{titre_h1('BILAN DE MISE EN ŒUVRE', 'sec-bilan')}\n\n{ouverture_md}", "ouverture"),
        code("ctx.tableau_progression()", "tableau-progression"),
        texte_md(avancees_md, "livrables"),
        code("ctx.figure_mesures()", "figure-mesures"),
        code("ctx.figure_livrables()", "figure-livrables"),
        texte_md(
            "## Statut des mesures par axe {#sec-bilan-axes}\n\n"
            "Cette vue, absente du rapport publié, présente le statut de mise en œuvre des "
            "mesures pour chacun des axes d'intervention du plan.",
            "axes",
        ),
        code("ctx.tableau_axes()", "tableau-axes"),
        code("ctx.figure_axes()", "figure-axes"),
        texte_md(
            "## Quelques faits saillants depuis 2021... {#sec-faits-saillants}\n\n"
            f"{liste_md}\n\n{cloture_md}",
            "faits-saillants",
        ),
    ]


@dataclass
class Mesure:
    ident: str
    entete: str
    titre: str
    sections: dict[str, list[str]] = field(default_factory=lambda: {s: [] for s in SECTIONS_FICHE})
    vues: list[str] = field(default_factory=list)
    precedee_de_section: bool = False


_ENTETE = re.compile(r"^MESURE (?:N° ?(\d+)|(A\d)|(ADDITIONNELLE))\b")


def mesures_de_l_axe(axe: int, blocs_ch: list[str], journal: list[str]) -> list[Mesure]:
    """Découpe un chapitre d'axe en mesures (fiche ignorée, trois sections narratives)."""
    attendues = MESURES_PAR_AXE[axe]
    blocs_ch = recoller_sauts_de_page(blocs_ch, journal)
    mesures: list[Mesure] = []
    mode = "preambule"
    section_a_venir = False
    for k, bloc in enumerate(blocs_ch):
        suivant = blocs_ch[k + 1] if k + 1 < len(blocs_ch) else ""
        entete = _ENTETE.match(bloc)
        titre_perdu = not entete and suivant.startswith("PORTEUR")
        if entete or titre_perdu:
            rang = len(mesures)
            if rang >= len(attendues):
                raise SystemExit(f"axe {axe} : plus de mesures que prévu ({bloc[:60]})")
            ident = attendues[rang]
            if entete:
                lu = entete[1] or entete[2] or "additionnelle"
                if lu != ident:
                    raise SystemExit(f"axe {axe} : mesure {lu} lue, {ident} attendue")
                titre = bloc.splitlines()[1].strip()
            else:
                titre = bloc
            mesures.append(Mesure(ident, "imprimé" if entete else "perdu", titre, precedee_de_section=section_a_venir))
            section_a_venir = False
            mode = "fiche"
        elif bloc == "Mesure additionnelle":
            section_a_venir = True
        elif bloc in SECTIONS_FICHE:
            if mode == "preambule":
                raise SystemExit(f"axe {axe} : section « {bloc} » hors d'une mesure")
            mesures[-1].vues.append(bloc)
            mode = bloc
        elif mode in SECTIONS_FICHE:
            mesures[-1].sections[mode].append(bloc)
        # sinon : préambule (slogan, objectif) ou contenu de fiche, qui viennent des données
    if [m.ident for m in mesures] != attendues:
        raise SystemExit(f"axe {axe} : mesures lues {[m.ident for m in mesures]}, attendues {attendues}")
    for m in mesures:
        if tuple(m.vues) != SECTIONS_FICHE or not all(m.sections.values()):
            raise SystemExit(f"mesure {m.ident} : sections {m.vues} incomplètes")
    return mesures


def chapitre_axe(titre: str, ident_section: str, axe: int, blocs_ch: list[str], journal: list[str]) -> list:
    cellules = [texte_md(titre_h1(titre, ident_section), "titre"), code(f"ctx.entete_axe({axe})", "entete")]
    for m in mesures_de_l_axe(axe, blocs_ch, journal):
        journal.append(f"mesure {m.ident:>13} (en-tête {m.entete}) : {m.titre[:70]}")
        if m.precedee_de_section:
            cellules.append(texte_md("## Mesure additionnelle {#sec-mesure-additionnelle .unnumbered}", f"section-{m.ident}"))
        cellules.append(code(f'ctx.fiche("{m.ident}")', f"fiche-{m.ident}"))
        parties = []
        for section in SECTIONS_FICHE:
            corps = "\n\n".join(en_markdown(p) for p in m.sections[section])
            parties.append(f"### {section} {{.unnumbered}}\n\n{corps}")
        cellules.append(texte_md("\n\n".join(parties), f"recit-{m.ident}"))
    return cellules


def construire(source: Path, journal: list[str]) -> dict[str, nbformat.NotebookNode]:
    blocs_debut, chapitres = decouper(source.read_text(encoding="utf-8"))
    carnets = {"01_presentation": carnet(chapitre_presentation(blocs_debut, journal))}
    for fichier, titre, ident_section, axe in CHAPITRES:
        b = chapitres[fichier]
        if fichier == "02_introduction":
            cellules = chapitre_introduction(b, journal)
        elif fichier == "03_bilan":
            cellules = chapitre_bilan(b, journal)
        elif axe is not None:
            cellules = chapitre_axe(titre, ident_section, axe, b, journal)
        elif fichier == "10_conclusion":
            corps = paragraphes_md(fichier, b, journal)
            cellules = [texte_md(f"{titre_h1(titre, ident_section)}\n\n{corps}", "texte")]
        elif fichier == "11_annexe1_recommandations":
            cellules = [texte_md(titre_h1(titre, ident_section), "titre"), code("ctx.annexe_recommandations()", "recommandations")]
        elif fichier == "12_annexe2_comite":
            note = [x for x in b if x.startswith("³")]
            if len(note) != 1:
                raise SystemExit("note ³ de l'annexe 2 introuvable")
            cellules = [
                texte_md(titre_h1(titre, ident_section), "titre"),
                code("ctx.annexe_comite()", "comite"),
                texte_md(en_markdown(note[0][1:].strip()), "note"),
            ]
        else:
            cellules = [texte_md(titre_h1(titre, ident_section), "titre"), code("ctx.liste_acronymes()", "acronymes")]
        carnets[fichier] = carnet(cellules)
    return carnets


def main(arguments: list[str] | None = None) -> int:
    analyseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    analyseur.add_argument("source", type=Path, help="texte du rapport publié (UTF-8)")
    analyseur.add_argument("--sortie", type=Path, default=DOSSIER_NOTEBOOKS, help="dossier des notebooks")
    analyseur.add_argument("--ecraser", action="store_true", help="écraser des notebooks existants")
    args = analyseur.parse_args(arguments)

    journal: list[str] = []
    carnets = construire(args.source, journal)
    existants = [f for f in carnets if (args.sortie / f"{f}.ipynb").exists()]
    if existants and not args.ecraser:
        print(f"refus d'écraser {len(existants)} notebooks existants (ils sont la source) ; --ecraser pour forcer", file=sys.stderr)
        return 1
    args.sortie.mkdir(parents=True, exist_ok=True)
    for fichier, nb in carnets.items():
        nbformat.validate(nb)
        nbformat.write(nb, args.sortie / f"{fichier}.ipynb")
    print("\n".join(journal))
    print(f"{len(carnets)} notebooks écrits dans {args.sortie}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
