# Fig. 14.10: left, two tangent-vector images of `aezoo analyze tangent-images` (per test
# image: a row of local-PCA tangents, a row of CAE encoder-Jacobian tangents and a row of CAE
# reconstruction-Jacobian tangents, each after the input), for a CAE trained on 270 images
# (local PCA from the same 270) and one trained on 54,000; top right, the mean singular
# values of the encoder Jacobian of the CAE and of the plain autoencoder (the contraction
# profile); bottom right, `aezoo analyze tangent-fit` of CAEs trained on 270 to 54,000
# images: the share of the displacement to held-out neighbours that each 5-D tangent
# estimate captures. Inputs: dir (spectrum.csv, fit.csv), small and large (file names in dir
# of the tangent images of the 270-image and the full run), rows (images), cols (tangent vectors), scale
# (the image's enlargement), out.
set terminal pngcairo size 1700,900 font "DejaVu Sans,12"
set output out
set multiplot title "Fig. 14.10: tangent vectors from local PCA and from a contractive autoencoder (Fashion-MNIST)" font ",14"

# --- left: the tangent images of the 270-image and the 54,000-image runs ---
# make_grid: tiles of 28 * scale pixels with a 2-pixel gap around each; 3 rows per image.
R = rows * 3
W = (cols + 1) * (28 * scale + 2) + 2
H = R * (28 * scale + 2) + 2
cw = W / (cols + 1.0)
rh = H / (R + 0.0)
array names[3] = ["local PCA", "CAE: df/dx", "CAE: dr/dx"]
array colors[3] = ["#b15928", "#1f78b4", "#33a02c"]
unset key
unset border
unset tics
set size ratio -1
set xrange [0:W]
set yrange [0:H]
do for [p=0:1] {
  # The same box for both images (screen coordinates), the row labels left of the first.
  set origin 0, 0
  set size 1, 1
  set lmargin at screen (p == 0 ? 0.075 : 0.335)
  set rmargin at screen (p == 0 ? 0.325 : 0.585)
  set tmargin at screen 0.86
  set bmargin at screen 0.03
  set label 1 (p == 0 ? "270 training images" : "54,000 training images") at W/2, H + 30 center font ",13"
  set label 2 "input" at cw*0.5, H + 10 center font ",10"
  do for [j=1:cols] { set label (2 + j) sprintf("t%d", j) at cw*(j + 0.5), H + 10 center font ",10" }
  if (p == 0) {
    do for [i=0:R-1] {
      set label (20 + i) names[i % 3 + 1] at -6, H - rh*(i + 0.5) right font ",11" tc rgb colors[i % 3 + 1]
    }
  }
  plot dir."/".(p == 0 ? small : large) binary filetype=png with rgbimage
  unset label
}

# --- top right: the singular value spectrum ---
set origin 0.60, 0.50
set size 0.39, 0.44
set size ratio 0
set border
set tics
set lmargin 10
set rmargin 2
set tmargin 2
set bmargin 3.5
set key top right box
set datafile separator ","
set logscale y
set format y "10^{%T}"
set xrange [1:*]
set autoscale y
set grid lc rgb "#eeeeee"
set title "contraction profile: singular values of df/dx (mean over 200 test images)"
set xlabel "index" offset 0,0.5
set ylabel "singular value"
plot dir."/spectrum.csv" skip 1 using 1:2 with linespoints pt 7 ps 0.6 lw 2 lc rgb "#1f78b4" title "contractive AE", \
     dir."/spectrum.csv" skip 1 using 1:3 with linespoints pt 5 ps 0.6 lw 2 lc rgb "#e31a1c" title "plain autoencoder"

# --- bottom right: held-out tangent fit against the number of training images ---
# fit.csv: run,model,n_train,d,k,points,neighbors,encoder,encoder_se,reconstruction,
# reconstruction_se,local_pca,local_pca_se,global_pca,global_pca_se,random
set origin 0.60, 0.02
set size 0.39, 0.46
unset logscale y
set format y "%g"
set logscale x
set format x "%g"
set xrange [*:*]
set yrange [0:*]
set key bottom right box
set title "share of the step to a held-out neighbour in the 5-D tangent plane"
set xlabel "training images" offset 0,0.5
set ylabel "% of squared length (mean +- s.e.)"
plot dir."/fit.csv" skip 1 using 3:12:13 with yerrorlines pt 9 ps 1 lw 2 lc rgb "#b15928" title "local PCA (k = 50)", \
     dir."/fit.csv" skip 1 using 3:10:11 with yerrorlines pt 7 ps 1 lw 2 lc rgb "#33a02c" title "CAE: dr/dx", \
     dir."/fit.csv" skip 1 using 3:8:9 with yerrorlines pt 5 ps 1 lw 2 lc rgb "#1f78b4" title "CAE: df/dx", \
     dir."/fit.csv" skip 1 using 3:14:15 with yerrorlines pt 3 ps 1 lw 1 dt 2 lc rgb "#808080" title "global PCA"
unset multiplot
