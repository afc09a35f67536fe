"""SubjectAccessReviews: what each tenant service account may do in each namespace, as the authorizer says."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kubernetes.client import (
    AuthorizationV1Api,
    V1ResourceAttributes,
    V1SubjectAccessReview,
    V1SubjectAccessReviewSpec,
)

from checks.collect.kube._call import call, endpoint_of
from checks.errors import CollectionError


@dataclass(frozen=True)
class ServiceAccountRef:
    """A service account, named by its namespace and name."""

    namespace: str
    name: str

    @property
    def user(self) -> str:
        """The user name the authorizer sees for this service account."""
        return f"system:serviceaccount:{self.namespace}:{self.name}"

    @property
    def groups(self) -> list[str]:
        """The groups every token of this service account carries (RBAC may bind any of them)."""
        return ["system:serviceaccounts", f"system:serviceaccounts:{self.namespace}", "system:authenticated"]


@dataclass(frozen=True)
class ResourceAction:
    """A verb on a resource of an API group ("" is the core group)."""

    verb: str
    resource: str
    group: str = ""


@dataclass(frozen=True)
class AccessEntry:
    """One authorizer answer: may this service account do this in that namespace?"""

    service_account: ServiceAccountRef
    namespace: str
    action: ResourceAction
    allowed: bool
    denied: bool
    reason: str

    @property
    def own_namespace(self) -> bool:
        """True when the namespace is the service account's own."""
        return self.namespace == self.service_account.namespace


@dataclass(frozen=True)
class AccessMatrix:
    """Every (service account, namespace, action) reviewed."""

    entries: tuple[AccessEntry, ...]


def _review(
    api: AuthorizationV1Api, sa: ServiceAccountRef, namespace: str, action: ResourceAction
) -> AccessEntry:
    endpoint = endpoint_of(api, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews")
    attrs = V1ResourceAttributes(
        namespace=namespace, verb=action.verb, resource=action.resource, group=action.group
    )
    spec = V1SubjectAccessReviewSpec(user=sa.user, groups=sa.groups, resource_attributes=attrs)
    answer = call(endpoint, api.create_subject_access_review, V1SubjectAccessReview(spec=spec))
    status = answer.status
    if status is None:
        raise CollectionError(endpoint, f"SubjectAccessReview for {sa.user} came back without a status")
    return AccessEntry(sa, namespace, action, bool(status.allowed), bool(status.denied), status.reason or "")


def access_reviews(
    api: AuthorizationV1Api,
    service_accounts: Sequence[ServiceAccountRef],
    namespaces: Sequence[str],
    actions: Sequence[ResourceAction],
) -> AccessMatrix:
    """Ask the authorizer about every service account x namespace x action (SubjectAccessReview)."""
    entries = [_review(api, sa, ns, act) for sa in service_accounts for ns in namespaces for act in actions]
    return AccessMatrix(tuple(entries))
