package calendar

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
)

// official holds the State Council's notices built into the binary, one CSV
// file per year (see ParseCSV).
//
//go:embed official/*.csv
var official embed.FS

// Official returns the days of every built-in notice, in file order. Only
// notices as published belong there; a year not yet published has no file.
func Official() []Day {
	names, _ := fs.Glob(official, "official/*.csv")
	slices.Sort(names)
	var out []Day
	for _, name := range names {
		f, _ := official.Open(name)
		days, err := ParseCSV(f)
		f.Close()
		if err != nil { // the files are tested: a bad one is a bug
			panic(fmt.Sprintf("calendar: %s: %v", name, err))
		}
		out = append(out, days...)
	}
	return out
}

// ParseCSV reads a calendar file: UTF-8 CSV with the header "date,kind,name",
// one declared day per line (date 2006-01-02, kind HOLIDAY or WORKING_DAY,
// the occasion's name); lines starting with # are comments. It checks the
// shape only: Decide judges the days when they are imported.
func ParseCSV(r io.Reader) ([]Day, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = 3
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty calendar file: the first line must be date,kind,name")
		}
		return nil, err
	}
	if strings.Join(header, ",") != "date,kind,name" {
		return nil, fmt.Errorf("the first line is %q, not date,kind,name", strings.Join(header, ","))
	}
	var out []Day
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, Day{Date: Date(rec[0]), Kind: Kind(rec[1]), Name: rec[2]})
	}
}
