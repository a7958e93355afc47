# Fig. 14.10: left, the tangent-vector image of `aezoo analyze tangent-images` (per test
# image: a row of local-PCA tangents, then a row of CAE-Jacobian tangents, each after the
# input); right, the mean singular values of the encoder Jacobian of the CAE and of the
# plain autoencoder. Inputs: dir (tangents.png, spectrum.csv), rows (images), cols
# (tangent vectors), scale (the image's enlargement), out.
set terminal pngcairo size 1500,760 font "DejaVu Sans,12"
set output out
set multiplot title "Fig. 14.10: tangent vectors from local PCA and from a contractive autoencoder (Fashion-MNIST)" font ",14"

# --- left: the image, with row and column labels ---
set origin 0.0, 0.0
set size 0.56, 0.95
unset key
unset border
unset tics
set size ratio -1
set lmargin 20
set rmargin 1
set tmargin 3
set bmargin 1
# make_grid: tiles of 28 * scale pixels with a 2-pixel gap around each.
R = rows * 2
W = (cols + 1) * (28 * scale + 2) + 2
H = R * (28 * scale + 2) + 2
set xrange [0:W]
set yrange [0:H]
cw = W / (cols + 1.0)
rh = H / (R + 0.0)
set label 1 "input" at cw*0.5, H + 8 center
do for [j=1:cols] { set label (1 + j) sprintf("tangent %d", j) at cw*(j + 0.5), H + 8 center }
do for [i=0:R-1] {
  set label (20 + i) ((i % 2 == 0) ? "local PCA" : "contractive AE") at -6, H - rh*(i + 0.5) right font ",11" tc rgb ((i % 2 == 0) ? "#b15928" : "#1f78b4")
}
plot dir."/tangents.png" binary filetype=png with rgbimage
unset label

# --- right: the singular value spectrum ---
set origin 0.58, 0.06
set size 0.41, 0.84
set size ratio 0
set border
set tics
set lmargin 10
set rmargin 2
set tmargin 2
set bmargin 4
set key top right box
set datafile separator ","
set logscale y
set format y "10^{%T}"
set xrange [1:*]
set autoscale y
set grid lc rgb "#eeeeee"
set title "contraction profile: singular values of df/dx\n(mean over 200 test images)"
set xlabel "index"
set ylabel "singular value"
plot dir."/spectrum.csv" skip 1 using 1:2 with linespoints pt 7 ps 0.6 lw 2 lc rgb "#1f78b4" title "contractive AE", \
     dir."/spectrum.csv" skip 1 using 1:3 with linespoints pt 5 ps 0.6 lw 2 lc rgb "#e31a1c" title "plain autoencoder"
unset multiplot
