package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/calendar"
	"github.com/nongjiao/nongjiao/internal/server"
)

// calendarCmd runs "nongjiao calendar import": it records in the store's
// official working-day calendar the days of a calendar file (--file, see
// calendar.ParseCSV) or, without one, of the State Council's notices built
// in. Days declared alike already are skipped, so importing twice is safe; a
// day the calendar declares otherwise refuses the whole file.
func calendarCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("calendar", stderr)
	file := fs.String("file", "", "calendar CSV to import (header date,kind,name; kind HOLIDAY or WORKING_DAY); default: the notices built in")
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	if sub != "import" {
		backendFlags(fs, &server.Config{})
		logFormatFlag(fs)
		if err := fs.Parse(args); err != nil { // -h prints the usage
			return err
		}
		return fmt.Errorf("calendar: unknown subcommand %q: the one subcommand is import", sub)
	}
	s, _, err := openServer(ctx, fs, args, stderr)
	if err != nil {
		return err
	}
	defer s.Close()
	days := calendar.Official()
	if *file != "" {
		f, err := os.Open(*file)
		if err != nil {
			return err
		}
		days, err = calendar.ParseCSV(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *file, err)
		}
	}
	res, err := s.App.Calendar.Handle(ctx, calendar.ImportDays{Days: days}, app.Meta{CommandID: uuid.New(), Actor: "system:cli"})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "imported %d new day(s) of %d; the others were declared already\n", len(res.Events), len(days))
	return err
}
