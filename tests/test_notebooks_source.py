"""Contrôles des notebooks de chapitre tels qu'ils sont versionnés (sans les exécuter).

Les notebooks sont la source du texte narratif : ces tests vérifient qu'ils respectent les
contrats de docs/conception.md (cellule de paramètres, appels à l'API `ctx`, variables
du texte) et qu'aucune sortie d'exécution n'est versionnée.
"""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import nbformat
import pytest

RACINE = Path(__file__).resolve().parents[1]
DOSSIER = RACINE / "notebooks"
CONCEPTION = RACINE / "docs" / "conception.md"

NOTEBOOKS = sorted(DOSSIER.glob("*.ipynb"))

#: Mesures de chaque axe dans l'ordre du rapport imprimé (2024) ; identifiants de
#: docs/conception.md (« Identifiant de mesure »).
MESURES_PAR_AXE: dict[int, list[str]] = {
    1: ["1", "2"],
    2: ["3", "4", "5", "6", "7", "8", "9"],
    3: [str(n) for n in range(10, 23)],
    4: ["23", "24", "25", "26", "27"],
    5: ["28", "29", "30", "31", "32", "33", "additionnelle"],
    6: ["A1", "A2", "A3", "A4"],
}
SECTIONS_FICHE = ("État de mise en œuvre", "Prochaines étapes", "Faits saillants")

VARIABLE = re.compile(r"\{\{<\s*var\s+([\w.-]+)\s*>\}\}")
APPEL_FICHE = re.compile(r'^ctx\.fiche\("([^"]+)"\)$')
APPEL_ENTETE = re.compile(r"^ctx\.entete_axe\((\d+)\)$")


def lire(chemin: Path) -> nbformat.NotebookNode:
    return nbformat.read(chemin, as_version=4)


def section_conception(debut_titre: str) -> str:
    """Texte de la section `## <debut_titre>…` de docs/conception.md."""
    texte = CONCEPTION.read_text(encoding="utf-8")
    m = re.search(rf"^## {re.escape(debut_titre)}.*?$(.*?)(?=^## |\Z)", texte, flags=re.M | re.S)
    if m is None:
        raise AssertionError(f"section « {debut_titre} » introuvable dans {CONCEPTION}")
    return m.group(1)


def variables_documentees() -> tuple[set[str], set[str]]:
    """(noms exacts, préfixes des noms en `.*`) du bloc de la section « Variables »."""
    bloc = re.search(r"```\n(.*?)```", section_conception("Variables"), flags=re.S)
    assert bloc, "bloc de code des variables introuvable dans docs/conception.md"
    sans_notes = re.sub(r"\([^)]*\)", "", bloc.group(1))
    noms = {n.strip() for n in re.split(r"[,\n]", sans_notes) if n.strip()}
    exacts = {n for n in noms if not n.endswith(".*")}
    prefixes = {n[:-1] for n in noms if n.endswith(".*")}
    assert "date_reference" in exacts and "mesures.en_cours." in prefixes, noms
    return exacts, prefixes


def methodes_documentees() -> set[str]:
    return set(re.findall(r"`ctx\.(\w+)\(", section_conception("API")))


def cellules_code(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_il_y_a_des_notebooks():
    assert NOTEBOOKS, f"aucun notebook dans {DOSSIER}"


def test_noms_numerotes_consecutivement():
    numeros = []
    for chemin in NOTEBOOKS:
        m = re.fullmatch(r"(\d{2})_[a-z0-9_]+\.ipynb", chemin.name)
        assert m, f"{chemin.name} : nom attendu NN_nom.ipynb"
        numeros.append(int(m.group(1)))
    assert numeros == list(range(1, len(NOTEBOOKS) + 1))


@pytest.mark.parametrize("chemin", NOTEBOOKS, ids=lambda p: p.name)
def test_valide_et_sans_sorties(chemin: Path):
    nb = lire(chemin)
    nbformat.validate(nb)
    for k, cellule in enumerate(cellules_code(nb)):
        assert cellule.outputs == [], f"{chemin.name} : cellule de code {k} a des sorties"
        assert cellule.execution_count is None, f"{chemin.name} : cellule de code {k} a un compteur"


@pytest.mark.parametrize("chemin", NOTEBOOKS, ids=lambda p: p.name)
def test_cellule_de_parametres_puis_contexte(chemin: Path):
    nb = lire(chemin)
    premiere, deuxieme = nb.cells[0], nb.cells[1]
    assert premiere.cell_type == "code" and "parameters" in premiere.metadata.get("tags", [])
    arbre = ast.parse(premiere.source)
    assert len(arbre.body) == 1
    affectation = arbre.body[0]
    assert isinstance(affectation, ast.AnnAssign)
    assert isinstance(affectation.target, ast.Name) and affectation.target.id == "parametres"
    assert isinstance(affectation.annotation, ast.Name) and affectation.annotation.id == "str"
    assert isinstance(affectation.value, ast.Constant) and isinstance(affectation.value.value, str)
    assert deuxieme.cell_type == "code"
    assert ast.dump(ast.parse(deuxieme.source)) == ast.dump(
        ast.parse("from bilan.contexte import Contexte\nctx = Contexte.charger(parametres)")
    )


@pytest.mark.parametrize("chemin", NOTEBOOKS, ids=lambda p: p.name)
def test_cellules_d_appel_ne_contiennent_qu_un_appel(chemin: Path):
    """Après l'initialisation, une cellule de code = un seul appel documenté `ctx.methode(...)`."""
    methodes = methodes_documentees()
    for cellule in cellules_code(lire(chemin))[2:]:
        arbre = ast.parse(cellule.source)
        assert len(arbre.body) == 1 and isinstance(arbre.body[0], ast.Expr), cellule.source
        appel = arbre.body[0].value
        assert isinstance(appel, ast.Call) and isinstance(appel.func, ast.Attribute), cellule.source
        assert isinstance(appel.func.value, ast.Name) and appel.func.value.id == "ctx", cellule.source
        assert appel.func.attr in methodes, f"{chemin.name} : ctx.{appel.func.attr} absent de conception.md"


@pytest.mark.parametrize("chemin", NOTEBOOKS, ids=lambda p: p.name)
def test_un_seul_titre_de_chapitre_avec_identifiant(chemin: Path):
    titres = [
        ligne
        for c in lire(chemin).cells
        if c.cell_type == "markdown"
        for ligne in c.source.splitlines()
        if ligne.startswith("# ")
    ]
    assert len(titres) == 1, titres
    assert re.search(r"\{#sec-[a-z0-9-]+(?: \.[a-z-]+)*\}$", titres[0]), titres[0]
    # Casse normale : les capitales du rapport imprimé sont une mise en forme (.majuscules),
    # que les lecteurs d'écran ne lisent pas lettre à lettre.
    texte = re.sub(r"\{[^{}]*\}", "", titres[0][2:])
    mots_en_capitales = [m for m in re.findall(r"[^\W\d_]{4,}", texte) if m.isupper()]
    assert not mots_en_capitales, f"titre saisi en capitales : {titres[0]}"
    assert ".majuscules" in titres[0] or ".annexe" in titres[0], f"titre sans mise en capitales à l'impression : {titres[0]}"
    assert "]{" not in titres[0], "pas de segment dans un titre de chapitre : Quarto en recopie le Markdown brut"


@pytest.mark.parametrize("chemin", NOTEBOOKS, ids=lambda p: p.name)
def test_variables_documentees(chemin: Path):
    exacts, prefixes = variables_documentees()
    for cellule in lire(chemin).cells:
        for nom in VARIABLE.findall(cellule.source):
            connu = nom in exacts or any(
                nom.startswith(p) and re.fullmatch(r"\w+", nom[len(p) :]) for p in prefixes
            )
            assert connu, f"{chemin.name} : variable « {nom} » absente de docs/conception.md"


@pytest.mark.parametrize("chemin", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_sans_reste_de_la_source(chemin: Path):
    """Un `$` nu déclenche les maths de Quarto ; les balises de la source ne doivent pas rester."""
    for cellule in lire(chemin).cells:
        if cellule.cell_type != "markdown":
            continue
        assert not re.search(r"(?<!\\)\$", cellule.source), f"{chemin.name} : $ non échappé"
        for reste in ("^{", "<p>", "<i>"):
            assert reste not in cellule.source, f"{chemin.name} : « {reste} » hérité de la source"
        # appel de note en exposant (« recommandations¹ ») ; « C³ESSES » est un nom propre
        assert not re.search(r"[¹²³](?![A-Za-z])", cellule.source), f"{chemin.name} : appel de note ¹²³"


def fiches_par_notebook() -> dict[str, tuple[int | None, list[str]]]:
    resultat = {}
    for chemin in NOTEBOOKS:
        sources = [c.source.strip() for c in cellules_code(lire(chemin))]
        axes = [int(m.group(1)) for s in sources if (m := APPEL_ENTETE.match(s))]
        assert len(axes) <= 1, f"{chemin.name} : plusieurs en-têtes d'axe"
        fiches = [m.group(1) for s in sources if (m := APPEL_FICHE.match(s))]
        resultat[chemin.name] = (axes[0] if axes else None, fiches)
    return resultat


def test_ordre_des_mesures_conforme_aux_donnees():
    """La liste codée ci-dessus et data/mesures.csv (colonnes axe, ordre) disent la même chose."""
    with (RACINE / "data" / "mesures.csv").open(encoding="utf-8", newline="") as f:
        lignes = sorted(csv.DictReader(f), key=lambda r: (int(r["axe"]), int(r["ordre"])))
    selon_donnees: dict[int, list[str]] = {}
    for r in lignes:
        selon_donnees.setdefault(int(r["axe"]), []).append(r["mesure"])
    assert selon_donnees == MESURES_PAR_AXE


def test_chaque_axe_appelle_ses_fiches_dans_l_ordre():
    par_notebook = fiches_par_notebook()
    axes_vus = sorted(axe for axe, _ in par_notebook.values() if axe is not None)
    assert axes_vus == sorted(MESURES_PAR_AXE), axes_vus
    for nom, (axe, fiches) in par_notebook.items():
        attendu = MESURES_PAR_AXE[axe] if axe is not None else []
        assert fiches == attendu, f"{nom} (axe {axe}) : fiches {fiches}, attendu {attendu}"


@pytest.mark.parametrize("chemin", NOTEBOOKS, ids=lambda p: p.name)
def test_chaque_fiche_est_suivie_de_son_recit(chemin: Path):
    cellules = lire(chemin).cells
    for k, cellule in enumerate(cellules):
        if cellule.cell_type != "code" or not APPEL_FICHE.match(cellule.source.strip()):
            continue
        assert k + 1 < len(cellules), f"{chemin.name} : {cellule.source} en dernière cellule"
        recit = cellules[k + 1]
        assert recit.cell_type == "markdown", f"{chemin.name} : {cellule.source} non suivie de Markdown"
        titres = re.findall(r"^### (.+?)(?:\s+\{[^}]*\})?\s*$", recit.source, flags=re.M)
        assert tuple(titres) == SECTIONS_FICHE, f"{chemin.name} : {cellule.source} suivie de {titres}"
