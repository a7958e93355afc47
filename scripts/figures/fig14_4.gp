# Fig. 14.4: training points (crosses) near the curve, the corruption x -> x̃ (dashed, with
# the circle of radius sigma), and the DAE's reconstruction x̃ -> g(f(x̃)) (arrows).
# denoise.csv columns: x0 x1 noisy0 noisy1 recon0 recon1. Inputs: run (folder with
# points.csv and denoise.csv), sigma, out.
set terminal pngcairo size 860,960 font "DejaVu Sans,12"
set output out
set datafile separator ","
set size ratio -1
set key below box width -6 maxrows 3
set title "Fig. 14.4: a denoising autoencoder maps corrupted points x̃ back to the manifold"
set xlabel "x_0"
set ylabel "x_1"
s = sigma + 0
plot sample [t=pi:4*pi] '+' using (t*cos(t)/(4*pi)):(t*sin(t)/(4*pi)) with lines lw 3 lc rgb "black" title "manifold (noise-free curve)", \
     run."/points.csv" skip 1 every 3 using 1:2 with points pt 2 ps 0.5 lc rgb "#e41a1c" title "training examples x", \
     run."/denoise.csv" skip 1 using 1:2:(s) with circles lc rgb "#c8c8c8" dt 2 title "C(x̃ | x): circle of radius sigma", \
     run."/denoise.csv" skip 1 using 1:2:($3-$1):($4-$2) with vectors nohead dt 2 lw 1 lc rgb "#777777" title "corruption x -> x̃", \
     run."/denoise.csv" skip 1 using 3:4 with points pt 7 ps 0.7 lc rgb "#377eb8" title "corrupted x̃", \
     run."/denoise.csv" skip 1 using 3:4:($5-$3):($6-$4) with vectors filled head size screen 0.012,20 lw 2 lc rgb "#377eb8" title "reconstruction x̃ -> g(f(x̃))"
