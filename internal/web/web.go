package web

import (
	"embed"
	"io/fs"
	"strings"
)

// Static holds the scripts, styles and licences the page loads, at static/<name>.
//
//go:embed static/*.js static/*.mjs static/*.css static/*.txt
var Static embed.FS

// Page is the HTML of the page served at /: a template whose {{asset "name"}}
// is the served path of a file of Static or of httpapi's own assets, and
// whose {{importmap}} is the import map ImportMap returns.
//
//go:embed index.html
var Page string

// ImportMap returns the page's import map: each module of Static (a .js or
// .mjs file) under the bare name "nj/<name>", pointing at url(name).
func ImportMap(url func(name string) (string, error)) (map[string]string, error) {
	entries, err := fs.ReadDir(Static, "static")
	if err != nil {
		return nil, err
	}
	imports := map[string]string{}
	for _, e := range entries {
		if name := e.Name(); strings.HasSuffix(name, ".js") || strings.HasSuffix(name, ".mjs") {
			u, err := url(name)
			if err != nil {
				return nil, err
			}
			imports["nj/"+name] = u
		}
	}
	return imports, nil
}
