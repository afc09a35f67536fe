"""The nginx gateway: TLS 1.3 only, HTTP -> HTTPS redirect, the two app instances upstream, Cache-Control
per route class, a per-client rate limit and security headers. Template: sandbox/templates/nginx.conf."""

from __future__ import annotations

import shutil
import signal
import socket
import ssl
import urllib.request
from pathlib import Path

from sandbox import procs
from sandbox.components import netns
from sandbox.components.base import ProcessComponent, RunContext, is_root
from sandbox.components.static_assets import write_static
from sandbox.components.tls import ensure_tls, tls_files
from sandbox.errors import SandboxError

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def nginx_bin() -> str:
    """Absolute path of the nginx binary."""
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not path:
        raise SandboxError("nginx", "nginx not found (install the nginx package)")
    return path


def _listen(addresses: list[str], port: int, ssl_flag: bool) -> str:
    suffix = " ssl" if ssl_flag else ""
    return "\n".join(f"        listen {addr}:{port}{suffix};" for addr in addresses)


def _load_key_line(ctx: RunContext) -> str:
    """The map entry exempting the load-test tenant's API key from the per-client limit (empty: none)."""
    tenant = next((t for t in ctx.cfg.tenants if t.slug == ctx.cfg.load_test_tenant), None)
    key = ctx.secrets.get(f"{tenant.env_prefix}_API_KEY") if tenant else None
    return f'        "{key}" "";' if key else ""


def render(ctx: RunContext, addresses: list[str]) -> str:
    """The nginx.conf text for this run dir and these listen addresses."""
    cfg, files = ctx.cfg, tls_files(ctx.cfg.path("tls"))
    per_minute = cfg.gateway_requests_per_minute
    values = {
        "RUN": str(cfg.run_dir),
        "APP_A": str(cfg.ports.app_a),
        "APP_B": str(cfg.ports.app_b),
        "HTTPS_PORT": str(cfg.ports.https),
        "CERT": str(files.server_cert),
        "KEY": str(files.server_key),
        "RATE": f"{per_minute}r/m",
        "LOAD_KEY_LINE": _load_key_line(ctx),
        "BURST": str(per_minute - 1),
        "USER": "user www-data;" if is_root() else "",
        "HTTP_LISTEN": _listen(addresses, cfg.ports.http, False),
        "HTTPS_LISTEN": _listen(addresses, cfg.ports.https, True),
    }
    text = (TEMPLATES / "nginx.conf").read_text()
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    return text


class Nginx(ProcessComponent):
    """nginx in the foreground (`daemon off`), master pid recorded by the sandbox."""

    name = "nginx"
    stop_signal = signal.SIGQUIT

    def address(self, ctx: RunContext) -> str:
        return f"https://127.0.0.1:{ctx.cfg.ports.https} (http :{ctx.cfg.ports.http} -> 301)"

    def conf(self, ctx: RunContext) -> Path:
        return ctx.cfg.path("nginx", "nginx.conf")

    def listen_ports(self, ctx: RunContext) -> list[int]:
        return [ctx.cfg.ports.https, ctx.cfg.ports.http]

    def addresses(self, ctx: RunContext) -> list[str]:
        """127.0.0.1 plus the host side of every namespace veth that exists right now."""
        return ["127.0.0.1", *netns.present_host_addresses(ctx.cfg)]

    def prepare(self, ctx: RunContext) -> None:
        """Certificates, static files, temp dirs, config; `nginx -t` before it is used."""
        cfg = ctx.cfg
        addresses = self.addresses(ctx)
        ensure_tls(cfg.path("tls"), addresses[1:])
        write_static(cfg.path("static"))
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            cfg.path("nginx", "tmp", sub).mkdir(parents=True, exist_ok=True)
        cfg.path("logs").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(TEMPLATES / "security-headers.conf", cfg.path("nginx", "security-headers.conf"))
        self.conf(ctx).write_text(render(ctx, addresses))
        self.conf(ctx).chmod(0o600)  # it names the allowlisted load-test key
        procs.run([nginx_bin(), *self._base_args(ctx), "-t"])

    def _base_args(self, ctx: RunContext) -> list[str]:
        return [
            "-p",
            str(ctx.cfg.path("nginx")),
            "-e",
            str(ctx.cfg.path("logs", "nginx-error.log")),
            "-c",
            str(self.conf(ctx)),
        ]

    def spec(self, ctx: RunContext) -> procs.ProcSpec:
        return procs.ProcSpec(
            self.name,
            [nginx_bin(), *self._base_args(ctx)],
            ("nginx", str(self.conf(ctx))),
            ctx.cfg.path("logs", "nginx-stdout.log"),
        )

    def check(self, ctx: RunContext) -> str:
        """Serves a static file over verified TLS and its config matches the current namespaces."""
        if self.conf(ctx).read_text() != render(ctx, self.addresses(ctx)):
            raise SandboxError(self.name, "config on disk differs from the current template/namespaces")
        context = ssl.create_default_context(cafile=str(tls_files(ctx.cfg.path("tls")).ca_cert))
        url = f"https://127.0.0.1:{ctx.cfg.ports.https}/static/app.js"
        with urllib.request.urlopen(url, context=context, timeout=3) as resp:
            status = resp.status
        with (
            socket.create_connection(("127.0.0.1", ctx.cfg.ports.https), timeout=3) as raw,
            context.wrap_socket(raw, server_hostname="localhost") as tls,
        ):
            version = tls.version()
        return f"{version}, static {status}, {len(self.addresses(ctx))} listen address(es)"
