"""SubjectAccessReviews: what each tenant service account may do in each namespace, as the authorizer says."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from checks.collect.kube._call import call, endpoint_of
from checks.errors import CollectionError
from checks.evidence.kubernetes import AccessEntry as AccessEntry
from checks.evidence.kubernetes import AccessMatrix as AccessMatrix
from checks.evidence.kubernetes import ResourceAction as ResourceAction
from checks.evidence.kubernetes import ServiceAccountRef as ServiceAccountRef
from checks.evidence.origin import UNKNOWN, Origin

if TYPE_CHECKING:
    from kubernetes.client import AuthorizationV1Api


def _review(
    api: AuthorizationV1Api, sa: ServiceAccountRef, namespace: str, action: ResourceAction
) -> AccessEntry:
    from kubernetes.client import V1ResourceAttributes, V1SubjectAccessReview, V1SubjectAccessReviewSpec

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
    *,
    origin: Origin = UNKNOWN,
) -> AccessMatrix:
    """Ask the authorizer about every service account x namespace x action (SubjectAccessReview)."""
    entries = [_review(api, sa, ns, act) for sa in service_accounts for ns in namespaces for act in actions]
    return AccessMatrix(tuple(entries), origin)
