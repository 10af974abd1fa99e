"""Une nouvelle date de référence : ce que fera l'analyste pour le rapport final.

Les statuts ajoutés ici sont fictifs et ne servent qu'au test (copie temporaire des données) ;
les données du dépôt ne sont pas touchées.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from bilan.contexte import Contexte
from conftest import PARAMS_2024, ajouter


def _params_2026(dossier: Path) -> Path:
    texte = PARAMS_2024.read_text(encoding="utf-8")
    for avant, apres in (
        ("date_reference: 2024-09-01      #", "date_reference: 2026-03-31      #"),
        ('mois_depot: "2024-12"', 'mois_depot: "2026-06"'),
        ("  edition: 2022", "  edition: 2024"),
        ("  date_reference: null", "  date_reference: 2024-09-01"),
    ):
        assert avant in texte
        texte = texte.replace(avant, apres, 1)
    chemin = dossier / "2026.yml"
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def test_edition_2026_compare_mesure_par_mesure_a_2024(tmp_path, donnees):
    # Fictif : la mesure 1 et ses deux livrables sont réalisés au 31 mars 2026.
    ajouter(donnees / "statuts_mesures.csv", mesure="1", date="2026-03-31", statut="Réalisée", source="test")
    for ordre in ("1", "2"):
        ajouter(donnees / "statuts_livrables.csv", mesure="1", ordre=ordre, date="2026-03-31", statut="Réalisé", source="test")
    ctx = Contexte.charger(_params_2026(tmp_path), donnees)

    assert ctx.params.edition == "2026" and ctx.date == dt.date(2026, 3, 31)
    assert ctx.precedente is not None and ctx.precedente.calculee
    v = ctx.variables
    assert v["date_reference"] == "31 mars 2026" and v["depot"] == "juin 2026"
    assert v["mesures"]["realise"]["nombre"] == "23" and v["precedente"]["realise"]["nombre"] == "22"
    assert v["precedente"]["edition"] == "2024"
    assert v["livrables"]["realise"]["nombre"] == "57"

    tableau = ctx.tableau_progression().data
    assert "| 2026    |" in tableau and "| 2024    |" in tableau
    assert "Source de la ligne" not in tableau  # calculée, pas reprise d'une publication
    assert "[[Réalisée]{.majuscules}]{.statut .statut-realise}" in ctx.fiche("1").data


def test_une_mesure_sans_statut_a_la_date_reste_inconnue(tmp_path, donnees):
    texte = _params_2026(tmp_path).read_text(encoding="utf-8").replace("2026-03-31", "2021-06-01").replace(
        "  date_reference: 2024-09-01", "  date_reference: null").replace("  edition: 2024", "  edition: 2022")
    chemin = tmp_path / "2021.yml"
    chemin.write_text(texte, encoding="utf-8")
    ctx = Contexte.charger(chemin, donnees)
    rep = ctx.repartition_mesures.set_index("categorie")
    assert rep.loc["inconnu", "nombre"] == 38
    assert "Statut inconnu" in ctx.tableau_axes().data
    progression = ctx.tableau_progression().data
    assert "| Statut inconnu" in progression
    assert re.search(r"\|\s*38\s*\|\s*100\u00a0%\s*\|", progression)
