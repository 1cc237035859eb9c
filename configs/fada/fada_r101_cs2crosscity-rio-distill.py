# FADA stage 3 for Cityscapes -> Cross-City Rio: as
# fada_r101_cs2crosscity-rome-distill.py with the Rio images and the
# pseudo labels of fada_r101_cs2crosscity-rio.py.
_base_ = ['./fada_r101_cs2crosscity-rome-distill.py']
city = 'Rio'
train_dataloader = dict(
    dataset=dict(
        city=city,
        data_prefix=dict(
            img_path=f'{city}/Images/Train',
            seg_map_path='pseudo_labels/fada_r101_cs2crosscity-rio')))
val_dataloader = dict(dataset=dict(city=city))
test_dataloader = val_dataloader
