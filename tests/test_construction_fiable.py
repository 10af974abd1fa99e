"""Ce qu'une construction garantit : mêmes fichiers d'une construction à l'autre, entrées jamais
modifiées, droits de lecture ordinaires, restes nettoyés, une construction à la fois, et le
code du dossier construit (pas celui qu'a installé l'environnement)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from bilan import construire as construction
from bilan.config import RACINE
from conftest import PARAMS_2024


def _empreintes(dossier: Path, sauf: tuple[str, ...] = ()) -> dict[str, str]:
    return {str(p.relative_to(dossier)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(dossier.rglob("*")) if p.is_file() and p.name not in sauf}


def _entrees() -> dict[str, str]:
    resultat: dict[str, str] = {}
    for nom in ("data", "params", "notebooks"):
        resultat.update({f"{nom}/{k}": v for k, v in _empreintes(RACINE / nom).items()})
    return resultat


def test_deux_constructions_publient_les_memes_fichiers(construction_2024, tmp_path):
    """Une seconde construction du même commit, sans cache (notebooks réexécutés), publie des
    fichiers identiques à l'octet près, sauf provenance.yml (date de la construction) ; et les
    entrées (data/, params/, notebooks/) ne sont pas touchées."""
    avant = _entrees()
    messages: list[str] = []
    code = construction.construire(PARAMS_2024, racine=tmp_path / "_build", dire=messages.append, cache=False,
                                   moteur="integre")
    assert code == construction.OK, messages[-5:]
    assert _entrees() == avant, "la construction a modifié ses entrées"
    premiere = _empreintes(construction_2024["dossier"], sauf=("provenance.yml",))
    seconde = _empreintes(tmp_path / "_build" / "2024", sauf=("provenance.yml",))
    assert sorted(premiere) == sorted(seconde)
    differents = sorted(k for k in premiere if premiere[k] != seconde[k])
    assert differents == [], f"fichiers différents d'une construction à l'autre : {differents}"
    assert any(k.endswith("rapport.pdf") for k in premiere) and any(k.endswith(".svg") for k in premiere)


def test_droits_ordinaires_selon_l_umask(construction_2024):
    """Le dossier publié se lit comme tout fichier créé par l'utilisateur (pas 0700 d'un dossier temporaire)."""
    masque = os.umask(0)
    os.umask(masque)
    dossier = construction_2024["dossier"]
    for chemin in [dossier, *dossier.rglob("*")]:
        mode = chemin.stat().st_mode & 0o777
        attendu = (0o777 if chemin.is_dir() else 0o666) & ~masque
        assert mode & attendu == attendu, f"{chemin} : {oct(mode)} (umask {oct(masque)})"


def _un_chapitre(dossier: Path, attente: float = 0) -> Path:
    """Un notebook d'un chapitre, qui peut attendre (pour tenir la construction en cours)."""
    source = dossier / "notebooks"
    source.mkdir()
    nb = nbformat.read(RACINE / "notebooks" / "02_introduction.ipynb", as_version=4)
    if attente:
        nb.cells.append(nbformat.v4.new_code_cell(f"import time\ntime.sleep({attente})"))
    nbformat.write(nb, source / "01_introduction.ipynb")
    return source


def test_restes_d_une_construction_interrompue_retires(tmp_path):
    racine = tmp_path / "_build"
    reste = racine / ".en-cours-2024-abcd1234"
    (reste / "notebooks").mkdir(parents=True)
    (reste / "notebooks" / "a-moitie.ipynb").write_text("{}", encoding="utf-8")
    autre = racine / ".en-cours-2026-efgh5678"  # une autre édition : pas touchée
    autre.mkdir()
    messages: list[str] = []
    code = construction.construire(PARAMS_2024, racine=racine, dire=messages.append, rendre=False, source=_un_chapitre(tmp_path))
    assert code == construction.OK
    assert not reste.exists() and autre.exists()
    assert "construction interrompue retiré : .en-cours-2024-abcd1234" in "\n".join(messages)


def test_deux_constructions_de_la_meme_edition_a_la_fois(tmp_path):
    """La seconde s'arrête aussitôt avec un message clair (code 5) ; la première finit et publie."""
    racine = tmp_path / "_build"
    source = _un_chapitre(tmp_path, attente=8)
    premiere = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from bilan.construire import construire; "
         f"sys.exit(construire({str(PARAMS_2024)!r}, racine=Path({str(racine)!r}), rendre=False, source=Path({str(source)!r})))"],
        cwd=RACINE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        verrou = racine / ".verrou-2024"
        debut = time.monotonic()
        while not list(racine.glob(".en-cours-2024-*")) and time.monotonic() - debut < 60:
            time.sleep(0.2)  # la première a pris le verrou quand son dossier de travail existe
        assert verrou.exists()
        messages: list[str] = []
        code = construction.construire(PARAMS_2024, racine=racine, dire=messages.append, rendre=False, source=source)
        assert code == construction.CONSTRUCTION_EN_COURS
        assert "Une construction de l'édition 2024 est déjà en cours" in "\n".join(messages)
    finally:
        sortie, _ = premiere.communicate(timeout=300)
    assert premiere.returncode == construction.OK, sortie[-2000:]
    assert (racine / "2024" / "notebooks" / "01_introduction.ipynb").exists()


def test_les_noyaux_utilisent_le_dossier_construit(tmp_path):
    """Deux copies du projet, un environnement : la construction lancée dans la copie lit les
    données et le paquet de la copie, dans le processus comme dans les noyaux des notebooks."""
    copie = tmp_path / "copie"
    for nom in ("bilan", "notebooks", "styles", "data", "params"):
        shutil.copytree(RACINE / nom, copie / nom, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(RACINE / "_quarto.yml", copie / "_quarto.yml")
    livrables = copie / "data" / "livrables.csv"
    texte = livrables.read_text(encoding="utf-8")
    assert "Production de rapports de recherche" in texte
    livrables.write_text(texte.replace("Production de rapports de recherche", "Livrable de la copie", 1), encoding="utf-8")
    # Le paquet de la copie se reconnaît aussi : une fonction qui n'existe que là.
    (copie / "bilan" / "marque_copie.py").write_text("ICI = 'copie'\n", encoding="utf-8")
    nb = nbformat.read(copie / "notebooks" / "04_axe1_recherche.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("from bilan.marque_copie import ICI\nICI"))
    nbformat.write(nb, copie / "notebooks" / "04_axe1_recherche.ipynb")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BILAN_DONNEES")}
    proc = subprocess.run([sys.executable, "-m", "bilan", "construire", "params/2024.yml", "--sans-rendu"],
                          cwd=copie, capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    publie = copie / "_build" / "2024"
    assert "Livrable de la copie" in (publie / "donnees" / "livrables.csv").read_text(encoding="utf-8")
    executee = (publie / "notebooks" / "04_axe1_recherche.ipynb").read_text(encoding="utf-8")
    assert "Livrable de la copie" in executee and "'copie'" in executee
    assert not (RACINE / "bilan" / "marque_copie.py").exists()
