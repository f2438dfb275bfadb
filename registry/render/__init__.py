"""Analysis results made readable: the words, the charts, the lineage files and the
annual report's page.

- words        every English sentence of the analysis results, and how a person,
               a number or a date is written
- charts       the one colour palette, saving a figure, inlining SVG into a page,
               the annual report's bar charts
- svg_bars     bar charts written directly as SVG text
- lineage      the lineage graph as dot, Mermaid, GraphML, JSON and a drawing
- annual_layout what each section of the annual report holds
- annual_charts the annual report's charts: titles, text alternatives, drawing
- annual       the annual report as HTML (templates/annual.html.j2) or Markdown
"""
