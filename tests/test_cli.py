"""python -m bilan : une erreur inattendue tient en une ligne (code 70) ; --debug montre la trace."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bilan import cli
from bilan import construire as construction
from bilan.config import RACINE
from conftest import PARAMS_2024


def _panne(*_args, **_kwargs) -> int:
    raise RuntimeError("panne simulée\nseconde ligne du message")


@pytest.mark.parametrize("commande", ["valider", "construire"])
def test_erreur_inattendue_une_ligne_sans_trace(monkeypatch, capsys, commande):
    monkeypatch.setattr(construction, commande, _panne)
    code = cli.main([commande, "params/2024.yml"])
    sortie = capsys.readouterr()
    assert code == cli.ERREUR_INATTENDUE == 70
    assert "Traceback" not in sortie.out + sortie.err
    lignes = sortie.err.strip().splitlines()
    assert lignes == [
        f"Erreur inattendue pendant « python -m bilan {commande} params/2024.yml » : RuntimeError : panne simulée"
        f" — relancer avec --debug pour voir le détail (python -m bilan --debug {commande} params/2024.yml)."
    ]


def test_debug_montre_la_trace(monkeypatch, capsys):
    monkeypatch.setattr(construction, "valider", _panne)
    code = cli.main(["--debug", "valider", "params/2024.yml"])
    err = capsys.readouterr().err
    assert code == cli.ERREUR_INATTENDUE
    assert err.startswith("Traceback (most recent call last):")
    assert "RuntimeError: panne simulée" in err and "relancer avec --debug" not in err
    assert err.strip().splitlines()[-1] == "Erreur inattendue pendant « python -m bilan valider params/2024.yml » : RuntimeError : panne simulée"


def test_les_erreurs_connues_gardent_leur_message_et_leur_code(tmp_path, capsys):
    faux = tmp_path / "2026.yml"
    faux.write_text(PARAMS_2024.read_text(encoding="utf-8").replace("date_reference: 2024-09-01", "date_reference: 2024-02-30"), encoding="utf-8")
    assert cli.main(["valider", str(faux)]) == construction.ENTREES_INVALIDES
    sortie = capsys.readouterr()
    assert "date invalide « 2024-02-30 »" in sortie.out
    assert "Erreur inattendue" not in sortie.out + sortie.err and "Traceback" not in sortie.out + sortie.err


def test_aide_documente_debug_et_le_code_70():
    r = subprocess.run([sys.executable, "-m", "bilan", "--help"], cwd=RACINE, capture_output=True, text=True)
    assert r.returncode == 0
    assert "--debug" in r.stdout and "70 erreur inattendue" in r.stdout


def test_debug_accepte_devant_la_commande():
    r = subprocess.run([sys.executable, "-m", "bilan", "--debug", "valider", "params/2024.yml"],
                       cwd=RACINE, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Données : conformes" in r.stdout


def test_sortie_coupee_par_le_lecteur_sans_trace():
    # Le lecteur (« | head ») ferme le tube avant que la validation n'écrive : 141, rien sur stderr.
    proc = subprocess.Popen([sys.executable, "-m", "bilan", "valider", "params/2024.yml"],
                            cwd=RACINE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == cli.SORTIE_COUPEE == 141
    assert err.decode() == ""
