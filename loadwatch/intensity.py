"""Running intensity without heart rate: the bins and durations every importer and the model share, and the
energy cost of running on a slope.

Importers keep, per session, the seconds spent in each bin of grade-adjusted speed (GAS) and of running
power, and the best mean of each over BEST_EFFORT_S, as `hr_hist` keeps seconds per bpm; the model applies
thresholds to them later, so a new threshold never needs the files again.

GAS is the speed on the flat that costs the same energy as the speed run on the slope:
GAS = v * C(i) / C(0), with C the cost of running per kg and metre at grade i (Minetti AE, Moia C, Roi GS,
Susta D, Ferretti G. Energy cost of walking and running at extreme uphill and downhill slopes. J Appl
Physiol 93:1039-1046, 2002; the polynomial fit of their Table/Fig. 2, as GoldenCheetah's GOVSS and Strava's
Grade Adjusted Pace use it). The fit holds for -0.45 <= i <= +0.45, so grades are clamped there.
No numpy here: `running_cost` is a plain polynomial, so it takes a float or a numpy array alike.
"""

from __future__ import annotations

from typing import TypeVar

GAS_BIN_M_S = 0.1  # gas_hist key = floor(GAS / 0.1 m/s): key 33 is 3.3-3.4 m/s
POWER_BIN_W = 5  # power_hist key = floor(W / 5): key 50 is 250-255 W
BEST_EFFORT_S = (60, 180, 300, 600, 720, 1200, 1800, 3600)  # best_gas_m_s / best_power_w durations (moving time)
MAX_GRADE = 0.45  # Minetti's fit is measured from -45 % to +45 %
# What counts as moving: a point slower than this (standing at a light, a stop) or after a gap longer than
# MAX_GAP_S (the watch paused, the signal lost) adds no seconds to the bins or the best efforts.
MOVING_SPEED_M_S = 0.5
MAX_GAP_S = 10.0
SMOOTH_DISTANCE_M = 30.0  # altitude is averaged over this much distance before the grade is taken
FLAT_COST_J_KG_M = 3.6  # C(0)

_N = TypeVar("_N")


def running_cost(grade: _N) -> _N:
    """Minetti et al. (2002) energy cost of running, J per kg per metre, at `grade` (rise over run, 0.05 = 5 %):
    C(i) = 155.4 i^5 - 30.4 i^4 - 43.3 i^3 + 46.3 i^2 + 19.5 i + 3.6. C(0) = 3.6; C(0.05) = 4.6852 (GAS 1.3014 x v).
    Not clamped here: clamp to +-MAX_GRADE first (`grade_factor` does)."""
    i = grade
    return ((((155.4 * i - 30.4) * i - 43.3) * i + 46.3) * i + 19.5) * i + 3.6  # type: ignore[operator,return-value]  # float or ndarray


def grade_factor(grade: _N) -> _N:
    """C(i) / C(0) with i clamped to +-MAX_GRADE: GAS = speed * grade_factor(grade). Plain floats only in the
    clamp's branch; a numpy array is clamped by the caller (np.clip)."""
    if isinstance(grade, (int, float)):
        grade = max(-MAX_GRADE, min(MAX_GRADE, float(grade)))  # type: ignore[assignment]  # float in, float out
    return running_cost(grade) / FLAT_COST_J_KG_M  # type: ignore[operator,return-value]  # float or ndarray


__all__ = ["BEST_EFFORT_S", "FLAT_COST_J_KG_M", "GAS_BIN_M_S", "MAX_GAP_S", "MAX_GRADE", "MOVING_SPEED_M_S",
           "POWER_BIN_W", "SMOOTH_DISTANCE_M", "grade_factor", "running_cost"]
