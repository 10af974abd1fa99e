"""Aperçu des rédacteurs (bilan.apercu) : serveur local, reconstruction à chaque changement, rechargement.

Le test de bout en bout sert une construction temporaire de deux notebooks (présentation et
introduction), change une cellule de récit et attend la nouvelle page ; ses attentes sont
bornées et le serveur est toujours arrêté à la fin.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

import nbformat
import pytest

from bilan import cli
from bilan.apercu import CHEMIN_ETAT, Apercu, changements, injecter, signature
from bilan.config import DONNEES, NOTEBOOKS
from conftest import PARAMS_2024

PHRASE = "Phrase témoin ajoutée au récit pendant le test du serveur local."
MARQUE = "data-bilan-apercu"


def _lire(apercu: Apercu, chemin: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{apercu.port}{chemin}", timeout=10) as reponse:
        assert reponse.headers["Cache-Control"] == "no-store"
        return reponse.read().decode("utf-8")


def _attendre(condition: Callable[[], bool], secondes: float, messages: list[str]) -> None:
    limite = time.monotonic() + secondes
    while not condition():
        assert time.monotonic() < limite, f"délai de {secondes} s dépassé ; messages de l'aperçu :\n" + "\n".join(messages)
        time.sleep(0.1)


# --- Pièces ------------------------------------------------------------------------------------------


def test_script_ajoute_avant_la_fin_du_corps():
    page = injecter(b"<html><body><p>Texte</p></BODY></html>")
    assert page.startswith(b"<html><body><p>Texte</p><script data-bilan-apercu>")
    assert page.endswith(b"</script>\n</BODY></html>")
    assert CHEMIN_ETAT.encode() in page
    assert injecter(b"<p>sans corps</p>").startswith(b"<p>sans corps</p><script data-bilan-apercu>")


def test_surveillance_ignore_les_fichiers_de_travail(tmp_path):
    source = tmp_path / "notebooks"
    (source / ".ipynb_checkpoints").mkdir(parents=True)
    (source / "__pycache__").mkdir()
    chapitre = source / "02_introduction.ipynb"
    chapitre.write_text("{}", encoding="utf-8")
    for ignore in (".ipynb_checkpoints/02_introduction-checkpoint.ipynb", "__pycache__/x.pyc",
                   "02_introduction.ipynb~", ".02_introduction.ipynb.swp"):
        (source / ignore).write_text("{}", encoding="utf-8")
    avant = signature([source])
    assert list(avant) == [str(chapitre)]

    chapitre.write_text('{"cells": []}', encoding="utf-8")
    (source / ".ipynb_checkpoints" / "02_introduction-checkpoint.ipynb").write_text("[]", encoding="utf-8")
    assert changements(avant, signature([source])) == [str(chapitre)]
    chapitre.unlink()
    assert changements(avant, signature([source])) == [str(chapitre)]


def test_page_d_attente_avant_la_premiere_construction(tmp_path):
    apercu = Apercu(PARAMS_2024, port=0, racine=tmp_path / "_build")
    apercu.ouvrir_serveur()
    try:
        assert apercu._serveur is not None and apercu._serveur.server_address[0] == "127.0.0.1"
        page = _lire(apercu, "/")
        assert "pas encore construit" in page and MARQUE in page
        assert json.loads(_lire(apercu, CHEMIN_ETAT)) == {"version": 0, "etat": "construction", "message": ""}
    finally:
        apercu.fermer_serveur()


def test_port_invalide_refuse_par_la_commande(capsys):
    with pytest.raises(SystemExit):
        cli.analyseur().parse_args(["apercu", "params/2024.yml", "--port", "70000"])
    assert "port invalide « 70000 »" in capsys.readouterr().err


# --- De bout en bout ----------------------------------------------------------------------------------


def test_apercu_sert_puis_reconstruit_apres_une_retouche_du_recit(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for nom in ("01_presentation.ipynb", "02_introduction.ipynb"):
        shutil.copy2(NOTEBOOKS / nom, notebooks / nom)
    messages: list[str] = []
    apercu = Apercu(PARAMS_2024, port=0, racine=tmp_path / "_build", source=notebooks, donnees=DONNEES,
                    surveilles=[notebooks], intervalle=0.1, dire=messages.append)
    arret = threading.Event()
    fil = threading.Thread(target=apercu.lancer, args=(arret,), name="apercu-test", daemon=True)
    fil.start()
    try:
        _attendre(lambda: apercu.etat["version"] >= 1, 240, messages)  # première construction
        accueil = _lire(apercu, "/")
        assert MARQUE in accueil and "Briser le cycle" in accueil
        assert MARQUE not in (apercu.dossier_rapport / "index.html").read_text(encoding="utf-8")  # fichier publié intact
        assert json.loads(_lire(apercu, CHEMIN_ETAT)) == {"version": 1, "etat": "pret", "message": ""}

        nb = nbformat.read(notebooks / "02_introduction.ipynb", as_version=4)
        recit = next(c for c in nb.cells if c.get("id") == "texte")
        recit.source += f"\n\n{PHRASE}\n"
        nbformat.write(nb, notebooks / "02_introduction.ipynb")
        _attendre(lambda: apercu.etat["version"] >= 2, 180, messages)

        pages = [p for p in apercu.dossier_rapport.glob("*.html") if PHRASE in p.read_text(encoding="utf-8")]
        assert len(pages) == 1, messages
        servie = _lire(apercu, f"/{pages[0].name}")
        assert PHRASE in servie and MARQUE in servie
        compte_rendu = [m for m in messages if "Reconstruit en" in m][-1]
        assert "02_introduction.ipynb" in compte_rendu and "réexécutés : aucun ; 2 repris du cache" in compte_rendu
    finally:
        arret.set()
        fil.join(timeout=120)
    assert not fil.is_alive(), "l'aperçu ne s'est pas arrêté"
    with pytest.raises(urllib.error.URLError):  # serveur fermé
        urllib.request.urlopen(f"http://127.0.0.1:{apercu.port}/", timeout=5)


def test_code_du_paquet_modifie_reconstruit_dans_un_processus_neuf(tmp_path, monkeypatch):
    """Après un changement dans bilan/, le code chargé par l'aperçu est périmé : la construction
    se fait dans un processus neuf, et toutes les suivantes aussi."""
    from bilan import apercu as module
    from bilan.config import RACINE

    def perime(*args, **kwargs):
        raise AssertionError("construction faite avec le code chargé par l'aperçu")

    monkeypatch.setattr(module.construction, "construire", perime)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy2(NOTEBOOKS / "02_introduction.ipynb", notebooks / "02_introduction.ipynb")
    messages: list[str] = []
    apercu = Apercu(PARAMS_2024, racine=tmp_path / "_build", source=notebooks, donnees=DONNEES, dire=messages.append)

    assert apercu.construire([str(RACINE / "bilan" / "francais.py")]) == 0, "\n".join(messages)
    assert apercu.code_modifie and apercu.etat == {"version": 1, "etat": "pret", "message": ""}
    assert "processus neuf" in messages[0]
    assert (apercu.dossier_rapport / "index.html").is_file()
    assert apercu.construire([str(notebooks / "02_introduction.ipynb")]) == 0  # encore hors de ce processus
    assert "02_introduction.ipynb" in messages[-1] and "réexécutés : aucun" in messages[-1]


def test_apercu_signale_un_port_deja_pris(tmp_path):
    occupant = Apercu(PARAMS_2024, port=0, racine=tmp_path / "_build")
    occupant.ouvrir_serveur()
    try:
        messages: list[str] = []
        code = Apercu(PARAMS_2024, port=occupant.port, racine=tmp_path / "_build", dire=messages.append).lancer()
        assert code == 1
        assert f"127.0.0.1:{occupant.port}" in messages[0] and "--port" in messages[0]
    finally:
        occupant.fermer_serveur()


def test_chemin_du_rapport_servi(tmp_path):
    apercu = Apercu(PARAMS_2024, racine=tmp_path / "_build")
    assert apercu.dossier_rapport == tmp_path / "_build" / "2024" / "rapport"
    assert apercu.adresse == "http://127.0.0.1:8000/"
    assert Path(apercu.fichier_params) == PARAMS_2024.resolve()
