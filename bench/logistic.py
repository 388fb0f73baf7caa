"""Weighted L2 logistic regression by Newton's method, shared by the training scripts.

Both shipped models (`train_text_lines.py`, `train_html_blocks.py`) are logistic
regressions on standardised features; each script standardises its own way and hands the
design matrix here. Deterministic: no random start, no sampling.
"""

from __future__ import annotations

import numpy as np


def newton_logistic(
    z: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float, jitter: float = 0.0
) -> np.ndarray:
    """Coefficients (intercept first) for design matrix `z` (a column of ones first),
    labels `y` and sample weights `w`; the intercept is not penalised. `jitter` is added
    to every entry of the Hessian (keeps a singular one solvable)."""
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -30, 30)))
        gradient = z.T @ (w * (p - y)) + penalty * beta
        hessian = (z * (w * p * (1 - p))[:, None]).T @ z + np.diag(penalty) + jitter
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta
