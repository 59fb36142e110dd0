"""`field__any_of=[ids]`: a list of ids as ONE array parameter (`= ANY(%s)`) instead of one
parameter per value. Visibility filters pass the ids of every space a person may read (hundreds
in a large organisation); as an IN list the ORM copies and compiles each value on every query
(measured: ~15 ms per query of the follow-up page with 200 spaces), as an array it is one value.
Registered on integer fields (ids and foreign keys through `<fk>__id__any_of`)."""

from __future__ import annotations

from django.db.models import IntegerField, Lookup


@IntegerField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [[int(v) for v in value]]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs}::bigint[])", [*lhs_params, *rhs_params]
