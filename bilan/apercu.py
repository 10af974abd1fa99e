"""Aperçu des rédacteurs : le rapport servi sur cette machine, reconstruit à chaque enregistrement.

    python -m bilan apercu params/2024.yml [--port 8000]
    make apercu EDITION=2024

1. Sert le rapport publié, ``_build/<édition>/rapport/``, à http://127.0.0.1:PORT/ : adresse
   locale seulement, le rapport n'est jamais exposé au réseau. Le navigateur peut s'ouvrir tout
   de suite ; la page attend la première construction.
2. Construit l'édition une fois, comme ``construire`` (même cache, même publication), avec le
   moteur intégré (Pandoc et Typst).
3. Surveille ``notebooks/``, ``data/``, ``params/``, ``styles/`` et ``bilan/`` ; à chaque
   changement, reconstruit et affiche les fichiers changés, les notebooks réexécutés et la
   durée. Une retouche du récit (cellule Markdown) ne réexécute aucun notebook : les sorties
   sont reprises du cache (``bilan.execution``) et seuls le livre et le rendu sont refaits.
4. La page ouverte se recharge d'elle-même après chaque reconstruction réussie ; un échec
   s'affiche en bandeau au bas de la page, et la dernière version réussie reste servie.

Le script de rechargement est ajouté aux pages HTML au moment de les servir : les fichiers
publiés n'en contiennent jamais.

**Quarto.** L'aperçu rend avec le moteur intégré, qui met en page le même livre Markdown que
Quarto (voir ``bilan.integre``) : ``quarto preview`` n'est pas nécessaire. Pour voir le rendu
de Quarto, ``python -m bilan construire params/AAAA.yml --moteur quarto``.

**Surveillance par scrutation** : la signature (date de modification et taille) de chaque
fichier des dossiers surveillés est relevée toutes les ``intervalle`` secondes. Les dossiers
comptent une centaine de fichiers : un relevé prend quelques millisecondes, sans dépendance de
plus, et marche partout, disques réseau compris (où les notifications du système, qu'emploie
``watchfiles``, n'arrivent pas toujours). Un changement est traité quand deux relevés de suite
sont identiques : un enregistrement en plusieurs écritures ne lance qu'une reconstruction.

**Code du paquet.** Ce processus a chargé ``bilan`` à son lancement : après un changement dans
``bilan/``, ce code serait périmé. Les reconstructions se font alors dans un processus neuf
(quelques secondes de plus : imports), jusqu'à l'arrêt de l'aperçu.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from bilan import construire as construction
from bilan.config import CONSTRUCTION, DONNEES, NOTEBOOKS, RACINE, STYLES
from bilan.parametres import lire_parametres

#: Adresse d'écoute : cette machine seulement.
HOTE = "127.0.0.1"
PORT = 8000
#: Dossiers dont un changement relance la construction (relatifs à la racine du projet).
SURVEILLES = ("notebooks", "data", "params", "styles", "bilan")
#: Adresse de l'état de l'aperçu, que la page interroge.
CHEMIN_ETAT = "/__apercu/etat"

#: Noms ignorés par la surveillance : fichiers cachés et de travail des éditeurs, caches Python.
_IGNORES = re.compile(r"^\.|^__pycache__$|~$|\.pyc$|\.swp$|^#.*#$")

#: Script ajouté aux pages servies (jamais aux fichiers publiés) : interroge l'état, recharge la
#: page quand une reconstruction a réussi, montre en bandeau une reconstruction en cours ou ratée.
SCRIPT = """<script data-bilan-apercu>
/* Aperçu (python -m bilan apercu) : ajouté par le serveur local, absent des fichiers publiés. */
(function () {
  var vue = null, bandeau = null;
  function montrer(etat) {
    if (etat.etat === "pret") { if (bandeau) { bandeau.remove(); bandeau = null; } return; }
    if (!bandeau) {
      bandeau = document.createElement("div");
      bandeau.setAttribute("role", "status");
      bandeau.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:9999;padding:.6em 1em;"
        + "font:14px/1.4 sans-serif;white-space:pre-wrap;max-height:40vh;overflow:auto;color:#fff";
      document.body.appendChild(bandeau);
    }
    bandeau.style.background = etat.etat === "echec" ? "#B3261E" : "#095797";
    bandeau.textContent = etat.etat === "echec"
      ? "Échec de la reconstruction ; la dernière version réussie reste affichée.\\n" + etat.message
      : "Reconstruction en cours…";
  }
  function sonder() {
    fetch("__CHEMIN_ETAT__", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (etat) {
      if (vue === null) { vue = etat.version; }
      else if (etat.version !== vue) { location.reload(); return; }
      montrer(etat);
      setTimeout(sonder, 500);
    }, function () { setTimeout(sonder, 2000); });
  }
  sonder();
})();
</script>
""".replace("__CHEMIN_ETAT__", CHEMIN_ETAT)

_PAGE_D_ATTENTE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Aperçu du rapport</title></head>
<body><p>Le rapport n'est pas encore construit : cette page se rechargera d'elle-même.</p></body></html>
"""


def injecter(page: bytes) -> bytes:
    """La page avec le script de l'aperçu, juste avant ``</body>`` (à la fin s'il n'y en a pas)."""
    script = SCRIPT.encode("utf-8")
    position = page.lower().rfind(b"</body>")
    return page + script if position < 0 else page[:position] + script + page[position:]


# --- Surveillance ---------------------------------------------------------------------------------


Signature = dict[str, tuple[int, int]]


def signature(dossiers: Sequence[Path]) -> Signature:
    """Date de modification (ns) et taille de chaque fichier des dossiers, hors fichiers ignorés."""
    releve: Signature = {}
    for dossier in dossiers:
        for racine, sous_dossiers, fichiers in os.walk(dossier):
            sous_dossiers[:] = [d for d in sous_dossiers if not _IGNORES.search(d)]
            for nom in fichiers:
                if _IGNORES.search(nom):
                    continue
                chemin = os.path.join(racine, nom)
                try:
                    etat = os.stat(chemin)
                except FileNotFoundError:  # supprimé entre la liste et le relevé
                    continue
                releve[chemin] = (etat.st_mtime_ns, etat.st_size)
    return releve


def changements(avant: Signature, apres: Signature) -> list[str]:
    """Fichiers modifiés, ajoutés ou supprimés entre deux relevés, triés."""
    return sorted(c for c in avant.keys() | apres.keys() if avant.get(c) != apres.get(c))


# --- Aperçu -------------------------------------------------------------------------------------------


class Apercu:
    """Un aperçu : construction, serveur local, surveillance. ``lancer`` fait tout jusqu'à l'arrêt."""

    def __init__(self, fichier_params: str | Path, *, port: int = PORT, racine: Path = CONSTRUCTION,
                 source: Path = NOTEBOOKS, donnees: Path = DONNEES, surveilles: Sequence[Path] | None = None,
                 intervalle: float = 0.5, dire: Callable[[str], None] = print) -> None:
        self.fichier_params = Path(fichier_params).resolve()
        self.edition = lire_parametres(self.fichier_params).edition  # paramètres illisibles : erreur claire d'abord
        self.port = port
        self.racine = Path(racine)
        self.source = Path(source)
        self.donnees = Path(donnees)
        self.surveilles = [Path(d) for d in (surveilles if surveilles is not None
                                              else [RACINE / nom for nom in SURVEILLES])]
        self.intervalle = intervalle
        self.dire = dire
        self.code_modifie = False  # bilan/ a changé : reconstruire dans un processus neuf
        self._etat: dict[str, Any] = {"version": 0, "etat": "construction", "message": ""}
        self._verrou = threading.Lock()
        self._serveur: http.server.ThreadingHTTPServer | None = None

    # --- État, lu par les pages ---

    @property
    def etat(self) -> dict[str, Any]:
        with self._verrou:
            return dict(self._etat)

    def _changer_etat(self, etat: str, message: str = "", nouvelle_version: bool = False) -> None:
        with self._verrou:
            self._etat = {"version": self._etat["version"] + int(nouvelle_version), "etat": etat, "message": message}

    @property
    def dossier_rapport(self) -> Path:
        return self.racine / self.edition / "rapport"

    @property
    def adresse(self) -> str:
        return f"http://{HOTE}:{self.port}/"

    # --- Serveur ---

    def ouvrir_serveur(self) -> http.server.ThreadingHTTPServer:
        """Ouvre le port (0 : un port libre, choisi par le système) et sert dans un fil à part."""
        serveur = http.server.ThreadingHTTPServer((HOTE, self.port), functools.partial(_Pages, apercu=self))
        serveur.daemon_threads = True
        self.port = serveur.server_address[1]
        self._serveur = serveur
        threading.Thread(target=serveur.serve_forever, name="apercu-serveur", daemon=True).start()
        return serveur

    def fermer_serveur(self) -> None:
        if self._serveur is not None:
            self._serveur.shutdown()
            self._serveur.server_close()
            self._serveur = None

    # --- Construction ---

    def construire(self, changes: Sequence[str] = (), premiere: bool = False) -> int:
        """Construit l'édition et publie ; met l'état à jour et dit ce qui a été fait, en combien de temps."""
        if any(Path(c).is_relative_to(RACINE / "bilan") for c in changes) and not self.code_modifie:
            self.code_modifie = True
            self.dire("Le code du paquet (bilan/) a changé : les reconstructions se font désormais dans un "
                      "processus neuf (le code chargé par l'aperçu serait périmé).")
        self._changer_etat("construction")
        debut = time.monotonic()
        messages: list[str] = []
        if self.code_modifie:
            code = self._construire_processus_neuf(messages)
        else:
            code = construction.construire(self.fichier_params, racine=self.racine, source=self.source,
                                           donnees=self.donnees, moteur="integre", dire=messages.append)
        duree = time.monotonic() - debut
        if premiere or code != construction.OK:
            for m in messages:
                self.dire(m)
        quoi = f" ({_liste(changes)})" if changes else ""
        if code == construction.OK:
            self._changer_etat("pret", nouvelle_version=True)
            self.dire(f"{time.strftime('%H:%M:%S')} Reconstruit en {duree:.1f} s{quoi} ; {self._notebooks()}.")
        else:
            self._changer_etat("echec", "\n".join(messages[-12:]))
            self.dire(f"{time.strftime('%H:%M:%S')} Échec de la construction (code {code}, {duree:.1f} s){quoi} ; "
                      "la dernière version réussie reste servie. Corriger, enregistrer : l'aperçu reconstruit.")
        return code

    def _construire_processus_neuf(self, messages: list[str]) -> int:
        programme = ("import sys; from pathlib import Path; from bilan.construire import construire; "
                     "sys.exit(construire(Path(sys.argv[1]), racine=Path(sys.argv[2]), source=Path(sys.argv[3]), "
                     "donnees=Path(sys.argv[4]), moteur='integre'))")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(RACINE), *filter(None, [os.environ.get("PYTHONPATH")])]))
        proc = subprocess.run([sys.executable, "-c", programme, str(self.fichier_params), str(self.racine),
                               str(self.source), str(self.donnees)],
                              cwd=RACINE, env=env, capture_output=True, text=True)
        messages += proc.stdout.splitlines() + proc.stderr.splitlines()
        return proc.returncode

    def _notebooks(self) -> str:
        """Ce que la provenance de la construction publiée dit des notebooks."""
        try:
            sorts = yaml.safe_load((self.racine / self.edition / "provenance.yml").read_text(encoding="utf-8"))["notebooks"]
        except (OSError, KeyError, TypeError, yaml.YAMLError):
            return "notebooks : provenance illisible"
        executes = [nom for nom, sort in sorts.items() if sort == "exécuté"]
        repris = len(sorts) - len(executes)
        return (f"notebooks réexécutés : {', '.join(executes) if executes else 'aucun'}"
                f" ; {repris} repris du cache")

    # --- Surveillance ---

    def surveiller(self, arret: threading.Event) -> None:
        """Reconstruit à chaque changement des dossiers surveillés, jusqu'à ``arret``."""
        avant = signature(self.surveilles)
        while not arret.wait(self.intervalle):
            apres = signature(self.surveilles)
            if apres == avant:
                continue
            while not arret.wait(self.intervalle):  # attendre la fin de l'enregistrement
                stable = signature(self.surveilles)
                if stable == apres:
                    break
                apres = stable
            if arret.is_set():
                return
            changes = changements(avant, apres)
            avant = apres  # un changement pendant la construction sera vu au relevé suivant
            self.construire(changes)

    def lancer(self, arret: threading.Event | None = None) -> int:
        """Serveur, première construction, puis surveillance jusqu'à ``arret`` ou Ctrl+C."""
        arret = arret or threading.Event()
        try:
            self.ouvrir_serveur()
        except OSError as err:
            self.dire(f"Impossible d'écouter sur {HOTE}:{self.port} ({err.strerror or err}) : port déjà pris ? "
                      "Relancer avec --port, par exemple --port 8001.")
            return construction.ENTREES_INVALIDES
        try:
            self.dire(f"Aperçu de l'édition {self.edition} : {self.adresse} (cette machine seulement). "
                      "Première construction …")
            self.construire(premiere=True)
            self.dire(f"Aperçu : {self.adresse} — surveille {', '.join(_court(d) + '/' for d in self.surveilles)} ; "
                      "chaque enregistrement reconstruit et recharge la page. Ctrl+C pour arrêter.")
            self.surveiller(arret)
        except KeyboardInterrupt:
            self.dire("Aperçu arrêté.")
        finally:
            self.fermer_serveur()
        return construction.OK


class _Pages(http.server.SimpleHTTPRequestHandler):
    """Les fichiers du rapport publié, pages HTML avec le script de l'aperçu, et l'état."""

    def __init__(self, *args: Any, apercu: Apercu, **kwargs: Any) -> None:
        self.apercu = apercu
        super().__init__(*args, directory=str(apercu.dossier_rapport), **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (nom imposé par http.server)
        chemin = urllib.parse.urlsplit(self.path).path
        if chemin == CHEMIN_ETAT:
            self._envoyer(json.dumps(self.apercu.etat, ensure_ascii=False).encode("utf-8"), "application/json")
            return
        if not self.apercu.dossier_rapport.is_dir():
            self._envoyer(injecter(_PAGE_D_ATTENTE.encode("utf-8")), "text/html")
            return
        fichier = Path(self.translate_path(self.path))
        if fichier.is_dir() and chemin.endswith("/"):
            fichier = fichier / "index.html"
        if fichier.suffix == ".html" and fichier.is_file():
            self._envoyer(injecter(fichier.read_bytes()), "text/html")
            return
        super().do_GET()

    def _envoyer(self, corps: bytes, type_: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", f"{type_}; charset=utf-8")
        self.send_header("Content-Length", str(len(corps)))
        self.end_headers()
        self.wfile.write(corps)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # toujours la dernière construction
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (signature de http.server)
        """Silence : la console dit les reconstructions, pas chaque requête du navigateur."""


def _court(chemin: str | Path) -> str:
    """Chemin relatif à la racine du projet quand il y est."""
    p = Path(chemin)
    return str(p.relative_to(RACINE)) if p.is_relative_to(RACINE) else str(p)


def _liste(changes: Sequence[str], au_plus: int = 4) -> str:
    noms = [_court(c) for c in changes]
    return ", ".join(noms[:au_plus]) + (f" et {len(noms) - au_plus} autre(s)" if len(noms) > au_plus else "")
