# Fig. 14.7: r(x) against x for a DAE and a CAE trained on 1-D data at three points, with
# the identity line and the data. Inputs: dir (points.csv, denoising.csv, contractive.csv),
# out.
set terminal pngcairo size 900,760 font "DejaVu Sans,12"
set output out
set datafile separator ","
set key top left box opaque
set title "Fig. 14.7: learning a collection of 0-D manifolds by resisting perturbation"
set xlabel "x"
set ylabel "r(x)"
set size ratio -1
set grid lc rgb "#eeeeee"
set xrange [-1.6:1.6]
set yrange [-1.6:1.6]
plot x with lines dt 2 lw 2 lc rgb "#777777" title "identity r(x) = x", \
     dir."/denoising.csv" skip 1 using 1:2 with lines lw 3 lc rgb "#1f78b4" title "denoising AE (sigma = 0.25)", \
     dir."/contractive.csv" skip 1 using 1:2 with lines lw 3 lc rgb "#33a02c" title "contractive AE (lambda = 3)", \
     dir."/points.csv" skip 1 using 1:1 with points pt 7 ps 1.2 lc rgb "#e41a1c" title "data points x_0, x_1, x_2"
