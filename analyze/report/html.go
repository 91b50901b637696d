package report

import (
	"bufio"
	"fmt"
	"html/template"
	"io"
)

// WriteHTML writes the report as one self-contained HTML page: inline CSS
// and SVG charts, no scripts, nothing fetched from the network.
func (r *Report) WriteHTML(w io.Writer) error {
	secs := r.sections(true)
	view := struct {
		Title, Headline, Rates string
		Sections               []htmlSection
	}{r.title(), r.headline(), r.ratesNote(), make([]htmlSection, len(secs))}
	for i, s := range secs {
		view.Sections[i] = htmlSection{section: s}
		for _, c := range s.Charts {
			// The charts are built by this package, every text in them escaped.
			view.Sections[i].SVG = append(view.Sections[i].SVG, template.HTML(c))
		}
	}
	b := bufio.NewWriter(w)
	if err := pageTemplate.Execute(b, view); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

type htmlSection struct {
	section
	SVG []template.HTML
}

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"right": func(g grid, i int) bool { return i < len(g.Right) && g.Right[i] },
}).Parse(pageHTML))

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 24px auto; max-width: 1180px; padding: 0 16px; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p.headline { font-size: 1.1em; }
p.note { color: #666; font-size: 0.85em; }
table { border-collapse: collapse; margin: 8px 0; font-size: 0.9em; }
th, td { padding: 4px 10px; border-bottom: 1px solid #eee; vertical-align: top; text-align: left; }
th { background: #f5f5f5; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; }
.charts svg { border: 1px solid #eee; background: #fff; }
nav a { margin-right: 12px; color: #4e79a7; text-decoration: none; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="headline">{{.Headline}}</p>
<p class="note">{{.Rates}}</p>
{{if .Sections}}<nav>{{range .Sections}}<a href="#{{.ID}}">{{.Title}}</a>{{end}}</nav>{{end}}
{{range .Sections}}<section id="{{.ID}}">
<h2>{{.Title}}</h2>
{{if .Intro}}<p class="note">{{.Intro}}</p>{{end}}
{{if .SVG}}<div class="charts">{{range .SVG}}{{.}}{{end}}</div>{{end}}
{{if and (not .Grid.Rows) .Empty}}<p>{{.Empty}}</p>{{else}}{{$g := .Grid}}<table>
<tr>{{range $i, $h := $g.Head}}<th{{if right $g $i}} class="n"{{end}}>{{$h}}</th>{{end}}</tr>
{{range $g.Rows}}<tr>{{range $i, $c := .}}<td{{if right $g $i}} class="n"{{end}}>{{$c}}</td>{{end}}</tr>
{{end}}</table>{{end}}
</section>
{{end}}</body>
</html>
`
