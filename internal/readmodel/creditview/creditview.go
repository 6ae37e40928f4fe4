// Package creditview holds the read models of the collateral registry, loans and the operation fund.
package creditview

import "github.com/nongjiao/nongjiao/internal/readmodel"

// Projections returns the area's projections.
func Projections() []readmodel.Projection { return nil }
