"""Nouvelle édition : params/AAAA.yml écrit en brouillon, ce qui est inconnu laissé « À PRÉCISER »."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bilan import cli
from bilan import construire as construction
from bilan.edition import EditionImpossible, nouvelle_edition, titre_rapport
from bilan.parametres import ParametresInvalides, lire_parametres
from conftest import PARAMS_2024

A_PRECISER_2026 = (
    "mois_depot", "signataire.nom", "signataire.fonctions", "citation", "isbn.imprime", "isbn.pdf",
    "depot_legal.annee", "code_publication", "copyright",
)


@pytest.fixture
def params(tmp_path: Path) -> Path:
    """Un dossier params/ qui ne contient que l'édition 2024 publiée."""
    dossier = tmp_path / "params"
    dossier.mkdir()
    shutil.copy2(PARAMS_2024, dossier / "2024.yml")
    return dossier


def test_brouillon_2026_tire_de_2024(params):
    p = nouvelle_edition(2026, dt.date(2026, 3, 31), params)
    avant = lire_parametres(params / "2024.yml")
    assert p.fichier == params / "2026.yml" and p.edition == "2026"
    assert p.etat == "brouillon" and p.brouillon
    assert p["rapport"] == {"numero": 3, "titre": "Troisième rapport de mise en œuvre"}
    assert p.date_reference == dt.date(2026, 3, 31)
    assert p.edition_precedente == "2024" and p.date_precedente == dt.date(2024, 9, 1)
    assert p.mois_depot is None
    assert p.a_preciser == A_PRECISER_2026
    assert all(p.brut[cle.split(".")[0]] for cle in A_PRECISER_2026)
    for cle in ("plan", "editeur", "droits"):
        assert p[cle] == avant[cle]
    assert p["signataire"]["mention"] == avant["signataire"]["mention"]
    assert p["depot_legal"]["bibliotheque"] == avant["depot_legal"]["bibliotheque"]
    texte = p.fichier.read_text(encoding="utf-8")
    assert texte.startswith("# Paramètres de l'édition 2026 : troisième rapport de mise en œuvre (état au 31 mars 2026).")
    assert "# 2024 : François Bonnardel" in texte  # la valeur précédente reste visible, en commentaire, comme modèle
    assert "François Bonnardel" not in p["signataire"]["nom"]


def test_brouillon_refuse_une_fois_passe_a_final(params):
    chemin = nouvelle_edition(2026, dt.date(2026, 3, 31), params).fichier
    chemin.write_text(chemin.read_text(encoding="utf-8").replace("etat: brouillon", "etat: final", 1), encoding="utf-8")
    with pytest.raises(ParametresInvalides) as exc:
        lire_parametres(chemin)
    assert [p.split(" »")[0].removeprefix("« ") for p in exc.value.problemes] == list(A_PRECISER_2026)


def test_ne_remplace_jamais_un_fichier(params):
    existant = params / "2026.yml"
    existant.write_text("# travail en cours\n", encoding="utf-8")
    with pytest.raises(EditionImpossible, match="2026.yml existe déjà : il n'est jamais remplacé"):
        nouvelle_edition(2026, dt.date(2026, 3, 31), params)
    assert existant.read_text(encoding="utf-8") == "# travail en cours\n"


def test_part_de_la_plus_recente(params):
    nouvelle_edition(2026, dt.date(2026, 3, 31), params)
    p = nouvelle_edition(2028, dt.date(2028, 3, 31), params)
    assert p.edition_precedente == "2026" and p.date_precedente == dt.date(2026, 3, 31)
    assert p["rapport"]["titre"] == "Quatrième rapport de mise en œuvre"


def test_annee_ou_date_anterieures_refusees(params):
    with pytest.raises(EditionImpossible, match="l'édition 2023 doit suivre la plus récente, 2024"):
        nouvelle_edition(2023, dt.date(2026, 3, 31), params)
    with pytest.raises(EditionImpossible, match="2024-09-01 doit suivre celle de l'édition 2024"):
        nouvelle_edition(2026, dt.date(2024, 9, 1), params)
    assert sorted(f.name for f in params.iterdir()) == ["2024.yml"]


def test_titre_sans_ordinal_connu_reste_a_preciser():
    assert titre_rapport(3, "Deuxième rapport de mise en œuvre", 2) == "Troisième rapport de mise en œuvre"
    assert titre_rapport(11, "Dixième rapport de mise en œuvre", 10).startswith("À PRÉCISER : titre du rapport n° 11")
    assert titre_rapport(3, "Rapport d'étape", 2).startswith("À PRÉCISER")


def test_commande(params, capsys):
    assert cli.main(["nouvelle-edition", "2026", "--date", "2026-03-31", "--dossier", str(params)]) == 0
    sortie = capsys.readouterr().out
    assert "Troisième rapport de mise en œuvre, état au 2026-03-31" in sortie
    assert "9 valeur(s) à préciser" in sortie and "  - isbn.pdf" in sortie
    assert cli.main(["nouvelle-edition", "2026", "--date", "2026-03-31", "--dossier", str(params)]) == 1
    assert "existe déjà" in capsys.readouterr().err


def test_params_2026_du_depot_valide_et_liste_ses_valeurs_a_preciser():
    """params/2026.yml (écrit par la commande) se valide ; tant qu'il est brouillon, chaque valeur à préciser est dite."""
    p = lire_parametres("params/2026.yml")
    assert p.date_reference == dt.date(2026, 3, 31) and p.edition_precedente == "2024"
    assert p.date_precedente == dt.date(2024, 9, 1)
    messages: list[str] = []
    assert construction.valider("params/2026.yml", dire=messages.append) == construction.OK
    if p.brouillon:
        assert p.a_preciser
        for cle in p.a_preciser:
            assert any(m.startswith("Avertissement – params/2026.yml, clé « " + cle + " »") for m in messages)
    else:
        assert p.a_preciser == ()
