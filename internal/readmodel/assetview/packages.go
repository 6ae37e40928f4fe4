package assetview

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/registry"
)

// Package is a consolidation package of entrusted plots.
type Package struct {
	ID         uuid.UUID
	Collective uuid.UUID
	Title      string
	Form       registry.Form
	Start      time.Time
	End        time.Time
	Area       kernel.Area
	Sealed     bool
	SealedAt   time.Time
	Plots      []PackagedPlot
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// PackagedPlot is one plot in a package.
type PackagedPlot struct {
	AssetID   uuid.UUID
	Household uuid.UUID
	Area      kernel.Area
	AddedAt   time.Time
}

// packageProjection maintains asset_packages and asset_package_plots.
type packageProjection struct{}

func (packageProjection) Name() string     { return "assetview.packages" }
func (packageProjection) Version() int     { return 1 }
func (packageProjection) Tables() []string { return []string{"asset_packages", "asset_package_plots"} }

func (packageProjection) Schema(readmodel.Dialect) []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS asset_packages (
			id TEXT PRIMARY KEY, collective TEXT NOT NULL, title TEXT NOT NULL, form TEXT NOT NULL, start_at BIGINT NOT NULL,
			end_at BIGINT NOT NULL, area BIGINT NOT NULL, sealed INTEGER NOT NULL, sealed_at BIGINT NOT NULL,
			created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS asset_packages_created ON asset_packages (created_at, id)`,
		`CREATE INDEX IF NOT EXISTS asset_packages_collective ON asset_packages (collective, created_at, id)`,
		`CREATE TABLE IF NOT EXISTS asset_package_plots (
			package_id TEXT NOT NULL, asset_id TEXT NOT NULL, household TEXT NOT NULL, area BIGINT NOT NULL, added_at BIGINT NOT NULL,
			PRIMARY KEY (package_id, asset_id))`,
		`CREATE INDEX IF NOT EXISTS asset_package_plots_asset ON asset_package_plots (asset_id)`,
	}
}

// packageStreams is the prefix of a package's stream name, before its id.
var packageStreams = registry.PackageDecider.Category + "-"

func (packageProjection) Apply(ctx context.Context, tx readmodel.Tx, env readmodel.Envelope) error {
	id, ok := strings.CutPrefix(env.Stream, packageStreams)
	if !ok {
		return nil
	}
	var err error
	switch e := env.Event.(type) {
	case registry.PackageCreated:
		_, err = tx.ExecContext(ctx, `INSERT INTO asset_packages (id, collective, title, form, start_at, end_at, area, sealed,
			sealed_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, 0, 0, $7, $7)`,
			id, e.Collective.String(), e.Title, string(e.Form), readmodel.Micros(e.Start), readmodel.Micros(e.End), readmodel.Micros(e.At))
	case registry.PlotAdded:
		if _, err = tx.ExecContext(ctx, `INSERT INTO asset_package_plots (package_id, asset_id, household, area, added_at)
			VALUES ($1, $2, $3, $4, $5)`, id, e.AssetID.String(), e.Household.String(), int64(e.Area), readmodel.Micros(e.At)); err == nil {
			_, err = tx.ExecContext(ctx, `UPDATE asset_packages SET area = area + $2, updated_at = $3 WHERE id = $1`, id, int64(e.Area), readmodel.Micros(e.At))
		}
	case registry.PlotRemoved:
		if _, err = tx.ExecContext(ctx, `UPDATE asset_packages SET area = area - (SELECT area FROM asset_package_plots
			WHERE package_id = $1 AND asset_id = $2), updated_at = $3 WHERE id = $1`, id, e.AssetID.String(), readmodel.Micros(e.At)); err == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM asset_package_plots WHERE package_id = $1 AND asset_id = $2`, id, e.AssetID.String())
		}
	case registry.PackageSealed:
		_, err = tx.ExecContext(ctx, `UPDATE asset_packages SET sealed = 1, sealed_at = $2, updated_at = $2, area = $3 WHERE id = $1`,
			id, readmodel.Micros(e.At), int64(e.Area))
	}
	return err
}

// PackageFilter selects packages; zero fields do not filter.
type PackageFilter struct {
	Collective uuid.UUID
	Sealed     *bool
	AssetID    uuid.UUID // packages holding this plot
}

// Package returns one package with its plots, or NOT_FOUND.
func (r Reader) Package(ctx context.Context, id uuid.UUID) (Package, error) {
	return one(id, "package", func(w *readmodel.Where, limit int) ([]Package, error) { return r.packages(ctx, w, limit) })
}

// Packages returns a page of the packages f selects, oldest first, and how many match.
func (r Reader) Packages(ctx context.Context, f PackageFilter, p readmodel.Page) (readmodel.Result[Package], error) {
	var w readmodel.Where
	if f.Collective != uuid.Nil {
		w.Add("collective = ?", f.Collective.String())
	}
	if f.Sealed != nil {
		w.Add("sealed = ?", readmodel.Bool(*f.Sealed))
	}
	if f.AssetID != uuid.Nil {
		w.Add("id IN (SELECT package_id FROM asset_package_plots WHERE asset_id = ?)", f.AssetID.String())
	}
	return readmodel.Paged(ctx, r.DB, "asset_packages", &w, byCreation, p, func(limit int) ([]Package, error) { return r.packages(ctx, &w, limit) })
}

// Cursor returns the package's place in the Packages list.
func (p Package) Cursor() readmodel.Cursor {
	return readmodel.CursorOf(readmodel.Micros(p.CreatedAt), p.ID)
}

func (r Reader) packages(ctx context.Context, w *readmodel.Where, limit int) ([]Package, error) {
	rows, err := r.DB.QueryContext(ctx, fmt.Sprintf(`SELECT id, collective, title, form, start_at, end_at, area, sealed, sealed_at,
		created_at, updated_at FROM asset_packages%s ORDER BY %s LIMIT %d`, w.String(), byCreation.OrderBy(), limit), w.Args()...)
	if err != nil {
		return nil, err
	}
	var out []Package
	index := map[string]int{}
	var ids []string
	for rows.Next() {
		var p Package
		var id, collective, form string
		var start, end, area, sealedAt, created, updated int64
		var sealed int
		if err := rows.Scan(&id, &collective, &p.Title, &form, &start, &end, &area, &sealed, &sealedAt, &created, &updated); err != nil {
			rows.Close()
			return nil, err
		}
		p.ID, p.Collective, p.Form, p.Area, p.Sealed = readmodel.ParseID(id), readmodel.ParseID(collective), registry.Form(form), kernel.Area(area), sealed == 1
		p.Start, p.End, p.SealedAt, p.CreatedAt, p.UpdatedAt = readmodel.Time(start), readmodel.Time(end), readmodel.Time(sealedAt), readmodel.Time(created), readmodel.Time(updated)
		index[id] = len(out)
		ids = append(ids, id)
		out = append(out, p)
	}
	if err := closeRows(rows); err != nil || len(out) == 0 {
		return out, err
	}
	if rows, err = r.queryIn(ctx, `SELECT package_id, asset_id, household, area, added_at FROM asset_package_plots
		%s ORDER BY package_id, added_at, asset_id`, "package_id", ids); err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, asset, household string
		var area, added int64
		if err := rows.Scan(&id, &asset, &household, &area, &added); err != nil {
			rows.Close()
			return nil, err
		}
		p := &out[index[id]]
		p.Plots = append(p.Plots, PackagedPlot{AssetID: readmodel.ParseID(asset), Household: readmodel.ParseID(household), Area: kernel.Area(area), AddedAt: readmodel.Time(added)})
	}
	return out, closeRows(rows)
}
