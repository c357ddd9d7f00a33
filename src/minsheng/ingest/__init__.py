"""Reading governments' plan documents into ``minsheng.plan/1`` JSON.

Pure Python: nothing in this package touches the ORM. Readers turn a file into a
:class:`~minsheng.ingest.document.Document` (paragraphs and tables); the understanding
layer turns a Document into the JSON described in ``docs/plan-schema.md``.
"""
