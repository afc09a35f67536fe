"""moto server (S3, KMS, RDS on one endpoint) provisioned with the documents' declared resources."""

from __future__ import annotations

import json
import shutil

from sandbox import procs
from sandbox.components.base import ProcessComponent, RunContext
from sandbox.components.moto_provision import BARBERPRO_REGION, client, provision_all
from sandbox.errors import SandboxError, StartupFailed


class Moto(ProcessComponent):
    """`moto_server -H 127.0.0.1 -p PORT`; state is in memory, so every start provisions again."""

    name = "moto"

    def endpoint(self, ctx: RunContext) -> str:
        return f"http://127.0.0.1:{ctx.cfg.ports.moto}"

    def address(self, ctx: RunContext) -> str:
        return self.endpoint(ctx)

    def listen_ports(self, ctx: RunContext) -> list[int]:
        return [ctx.cfg.ports.moto]

    def spec(self, ctx: RunContext) -> procs.ProcSpec:
        binary = shutil.which("moto_server")
        if not binary:
            raise SandboxError(self.name, "moto_server not found (pip install 'moto[server]')")
        port = str(ctx.cfg.ports.moto)
        return procs.ProcSpec(
            self.name,
            [binary, "-H", "127.0.0.1", "-p", port],
            ("moto_server", f"-p {port}"),
            ctx.cfg.path("logs", "moto.log"),
        )

    def _ready(self, ctx: RunContext, spec: procs.ProcSpec) -> bool:
        if self.pid(ctx) is None:
            raise StartupFailed(self.name, f"exited during start-up; see {spec.log}")
        return procs.port_open("127.0.0.1", ctx.cfg.ports.moto)

    def after_start(self, ctx: RunContext) -> None:
        """Provision and record what was created in RUN_DIR/moto/provisioned.json."""
        record = ctx.cfg.path("moto", "provisioned.json")
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(provision_all(self.endpoint(ctx)), indent=2))

    def check(self, ctx: RunContext) -> str:
        """The server answers and still holds the provisioned audit bucket (moto keeps state in memory)."""
        s3 = client(self.endpoint(ctx), "s3", BARBERPRO_REGION)
        lock = s3.get_object_lock_configuration(Bucket="barberpro-audit-logs")["ObjectLockConfiguration"]
        buckets = len(s3.list_buckets()["Buckets"])
        return f"{buckets} buckets, audit lock {lock['Rule']['DefaultRetention']['Mode']}"
