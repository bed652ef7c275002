"""The story register as a spreadsheet: import (check every row, write all or none) and export.

- `columns`: the one column definition the importer and exporter share.
- `sheets`: reading CSV/XLSX files into rows; `cells`: reading one cell as its kind.
- `rows`: checking one row; `importer`: checking and importing a file.
- `exporter`: the rows an actor may read, written as CSV or XLSX.
- `actors`: whose rights a command-line import or export uses.
"""
