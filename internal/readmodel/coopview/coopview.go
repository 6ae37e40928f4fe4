// Package coopview holds the read models of share cooperatives.
package coopview

import "github.com/nongjiao/nongjiao/internal/readmodel"

// Projections returns the area's projections.
func Projections() []readmodel.Projection { return nil }
