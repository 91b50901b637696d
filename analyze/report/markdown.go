package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes the report as GitHub-flavoured Markdown: the same
// tables as the HTML page, without the charts.
func (r *Report) WriteMarkdown(w io.Writer) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# %s\n\n%s\n\n_%s_\n", r.title(), r.headline(), r.ratesNote())
	for _, s := range r.sections(false) {
		fmt.Fprintf(b, "\n## %s\n\n", s.Title)
		if s.Intro != "" {
			fmt.Fprintf(b, "%s\n\n", s.Intro)
		}
		writeMarkdownGrid(b, s.Grid, s.Empty)
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

func writeMarkdownGrid(b *bufio.Writer, g grid, empty string) {
	if len(g.Rows) == 0 && empty != "" {
		fmt.Fprintf(b, "%s\n", empty)
		return
	}
	mdRow(b, g.Head)
	seps := make([]string, len(g.Head))
	for i := range seps {
		seps[i] = "---"
		if i < len(g.Right) && g.Right[i] {
			seps[i] = "---:"
		}
	}
	fmt.Fprintf(b, "|%s|\n", strings.Join(seps, "|"))
	for _, row := range g.Rows {
		mdRow(b, row)
	}
}

var mdEscaper = strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;", "`", "\\`", "*", `\*`)

func mdRow(b *bufio.Writer, cells []string) {
	esc := make([]string, len(cells))
	for i, c := range cells {
		esc[i] = " " + mdEscaper.Replace(c) + " "
	}
	fmt.Fprintf(b, "|%s|\n", strings.Join(esc, "|"))
}
