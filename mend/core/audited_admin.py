"""Back-office screens of clinical models that write the audit log.

The practice's admin keeps the Wagtail listings of visits, episodes and the
like (the back office), and every look and every change there is recorded:
a listing or an export records each patient on it once, an inspect or edit
page its patient, and saving, adding or deleting a row its change. A viewset
names where its rows' patient is (``patient_field``, a dotted path such as
``"episode.patient"``; empty for rows with none).
"""

from __future__ import annotations

from typing import Any

from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from mend.core import audit


def patient_of(instance: Any, path: str) -> Any:
    value = instance
    for name in path.split(".") if path else []:
        value = getattr(value, name, None)
        if value is None:
            return None
    return value if path else None


class _Audited:
    patient_field = ""
    request: Any

    def audit_patient(self, instance: Any) -> Any:
        return patient_of(instance, self.patient_field)

    def audit_write(self, action: str, instance: Any) -> None:
        patient = self.audit_patient(instance)
        audit.record(self.request, action=action, patient=patient, obj=instance, detail="admin")


class AuditedIndexView(_Audited, generic.IndexView):
    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> Any:
        rows = list(context["object_list"])
        if self.is_export:
            for row in rows:
                audit.record(self.request, action=audit.Action.EXPORT,
                             patient=self.audit_patient(row), obj=row,
                             detail=f"admin export ({self.request.GET.get('export')})")  # fmt: skip
        else:
            audit.read_all(self.request, rows, self.audit_patient)
        return super().render_to_response(context, **kwargs)


class AuditedInspectView(_Audited, generic.InspectView):
    def get_object(self, queryset: Any = None) -> Any:
        instance = super().get_object(queryset)
        audit.read(self.request, self.audit_patient(instance), instance)
        return instance


class AuditedEditView(_Audited, generic.EditView):
    def get_object(self, queryset: Any = None) -> Any:
        instance = super().get_object(queryset)
        audit.read(self.request, self.audit_patient(instance), instance)
        return instance

    def save_instance(self) -> Any:
        instance = super().save_instance()
        self.audit_write(audit.Action.CHANGE, instance)
        return instance


class AuditedCreateView(_Audited, generic.CreateView):
    def save_instance(self) -> Any:
        instance = super().save_instance()
        self.audit_write(audit.Action.CREATE, instance)
        return instance


class AuditedDeleteView(_Audited, generic.DeleteView):
    def delete_action(self) -> None:
        self.audit_write(audit.Action.DELETE, self.object)  # before: its id goes with it
        super().delete_action()


class AuditedCopyView(generic.models.CopyViewMixin, AuditedCreateView):
    pass


class AuditedModelViewSet(ModelViewSet):
    """A ModelViewSet whose listing, inspect, add, edit and delete views write the audit log."""

    patient_field = "patient"
    index_view_class = AuditedIndexView
    add_view_class = AuditedCreateView
    copy_view_class = AuditedCopyView
    edit_view_class = AuditedEditView
    delete_view_class = AuditedDeleteView
    inspect_view_class = AuditedInspectView

    def get_index_view_kwargs(self, **kwargs: Any) -> Any:
        return super().get_index_view_kwargs(patient_field=self.patient_field, **kwargs)

    def get_add_view_kwargs(self, **kwargs: Any) -> Any:
        return super().get_add_view_kwargs(patient_field=self.patient_field, **kwargs)

    def get_edit_view_kwargs(self, **kwargs: Any) -> Any:
        return super().get_edit_view_kwargs(patient_field=self.patient_field, **kwargs)

    def get_delete_view_kwargs(self, **kwargs: Any) -> Any:
        return super().get_delete_view_kwargs(patient_field=self.patient_field, **kwargs)

    def get_inspect_view_kwargs(self, **kwargs: Any) -> Any:
        return super().get_inspect_view_kwargs(patient_field=self.patient_field, **kwargs)
