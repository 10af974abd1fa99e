"""Outils partagés des tests : copies modifiables des données, contexte de l'édition 2024."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from bilan.config import DONNEES, RACINE

PARAMS_2024 = RACINE / "params" / "2024.yml"


@pytest.fixture(scope="session")
def construction_2024(tmp_path_factory):
    """Une construction de l'édition 2024, faite une fois pour la session, rendue par le moteur
    intégré (Pandoc et Typst) : c'est ce que produit une machine sans Quarto.

    Partagée par test_construction.py, test_fidelite.py, test_markdown.py et test_sorties.py.
    """
    from bilan import construire as construction
    from bilan import rendu

    racine = tmp_path_factory.mktemp("_build")
    messages: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rendu, "quarto_disponible", lambda: None)
        code = construction.construire(PARAMS_2024, racine=racine, rendre=True, dire=messages.append)
    return {"code": code, "dossier": racine / "2024", "messages": messages, "racine": racine, "moteur": "integre"}


@pytest.fixture(scope="session")
def construction_2024_quarto(tmp_path_factory):
    """La même construction rendue par Quarto, là où la commande ``quarto`` existe."""
    if shutil.which("quarto") is None:
        pytest.skip("Quarto absent : le rendu de Quarto n'est pas vérifié sur cette machine "
                    "(installer Quarto 1.10 ; le moteur intégré, lui, est vérifié)")
    from bilan import construire as construction

    racine = tmp_path_factory.mktemp("_build_quarto")
    messages: list[str] = []
    code = construction.construire(PARAMS_2024, racine=racine, rendre=True, dire=messages.append, moteur="quarto")
    return {"code": code, "dossier": racine / "2024", "messages": messages, "racine": racine, "moteur": "quarto"}


@pytest.fixture(scope="session", params=["integre", "quarto"])
def construction_rendue(request):
    """Chaque construction rendue : moteur intégré partout, Quarto là où il est installé."""
    nom = "construction_2024" if request.param == "integre" else "construction_2024_quarto"
    return request.getfixturevalue(nom)


@pytest.fixture
def donnees(tmp_path: Path) -> Path:
    """Une copie de data/ que le test peut abîmer."""
    copie = tmp_path / "data"
    shutil.copytree(DONNEES, copie)
    return copie


def lire_csv(chemin: Path) -> list[dict[str, str]]:
    with chemin.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def ecrire_csv(chemin: Path, lignes: list[dict[str, str]]) -> None:
    with chemin.open("w", encoding="utf-8", newline="") as f:
        ecrivain = csv.DictWriter(f, fieldnames=list(lignes[0].keys()))
        ecrivain.writeheader()
        ecrivain.writerows(lignes)


def modifier(chemin: Path, condition: dict[str, str], **valeurs: str) -> int:
    """Change des colonnes des lignes qui répondent à ``condition`` ; renvoie la ligne (éditeur) modifiée."""
    lignes = lire_csv(chemin)
    trouvee = None
    for i, ligne in enumerate(lignes):
        if all(ligne[k] == v for k, v in condition.items()):
            ligne.update(valeurs)
            trouvee = i + 2
            break
    assert trouvee is not None, f"aucune ligne {condition} dans {chemin.name}"
    ecrire_csv(chemin, lignes)
    return trouvee


def ajouter(chemin: Path, **valeurs: str) -> int:
    lignes = lire_csv(chemin)
    lignes.append({k: valeurs.get(k, "") for k in lignes[0]})
    ecrire_csv(chemin, lignes)
    return len(lignes) + 1
