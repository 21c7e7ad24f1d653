"""The quarterly scorecard: method, figures, tables, charts and the HTML, PDF and XLSX outputs.

Data flows one way: ``figures`` reads the marts of a release or an audited warehouse,
``method`` scores agencies as ``reports/method.yml`` says, ``build`` turns both into a
language-neutral :class:`~dagster_project.lib.publish.report.model.Report` of tables and charts, and
the writers render that one report as HTML, PDF and XLSX in Vietnamese and English.
"""
